/// Eight bytes at a time as one 64-bit word (SWAR): whether any of them is below a bound, above
/// one, or equal to a value, in a few arithmetic operations rather than a test per byte. The
/// parser skips whole words of a target or field value this way and looks at single bytes only
/// in the word where something stops it.
///
/// Each test is exact about whether such a byte exists (the classic bit tricks may mark the
/// wrong byte above a true one, but never mark a word that has none); the byte sweeps check it.
enum ByteWord {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The 8 bytes at `offset`, the first in the lowest bits.
    @inline(__always)
    static func load(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawBufferPointer(bytes).loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Whether a byte of `word` is below `bound` (at most 128).
    @inline(__always)
    static func hasByte(_ word: UInt64, below bound: UInt8) -> Bool {
        (word &- ones &* UInt64(bound)) & ~word & highBits != 0
    }

    /// Whether a byte of `word` is above `bound` (at most 127).
    @inline(__always)
    static func hasByte(_ word: UInt64, above bound: UInt8) -> Bool {
        ((word &+ ones &* UInt64(127 - bound)) | word) & highBits != 0
    }

    /// Whether a byte of `word` equals `value`.
    @inline(__always)
    static func hasByte(_ word: UInt64, equalTo value: UInt8) -> Bool {
        hasByte(word ^ (ones &* UInt64(value)), below: 1)
    }
}
