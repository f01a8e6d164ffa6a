/// A set of ASCII bytes as two 64-bit masks, one bit per byte: a membership test is a shift
/// and a mask, with no branch per kind of byte and no table in memory.
///
/// The sets are computed properties returning literals rather than `static let`s: every access
/// to a global goes through its lazy initializer's `swift_once`, once per byte scanned.
/// ParserByteSweepTests and HostFieldTests check each set against its grammar for all 256 bytes.
struct ByteSet {
    /// Bytes 0–63 and 64–127; bytes from 128 up are never members.
    let low: UInt64
    let high: UInt64

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        switch byte {
        case 0..<64: low >> UInt64(byte) & 1 == 1
        case 64..<128: high >> UInt64(byte - 64) & 1 == 1
        default: false
        }
    }

    /// tchar (RFC 9110 §5.6.2): "!#$%&'*+-.^_`|~", digits and letters.
    static var token: ByteSet { ByteSet(low: 0x03FF_6CFA_0000_0000, high: 0x57FF_FFFF_C7FF_FFFE) }

    /// reg-name bytes besides pct-encoded (RFC 3986 §3.2.2): unreserved and sub-delims.
    static var regName: ByteSet { ByteSet(low: 0x2BFF_7FD2_0000_0000, high: 0x47FF_FFFE_87FF_FFFE) }

    /// Bytes of an IP literal in brackets: reg-name's, `:` and `%` (see ``HostField``).
    static var ipLiteral: ByteSet { ByteSet(low: 0x2FFF_7FF2_0000_0000, high: 0x47FF_FFFE_87FF_FFFE) }

    /// Bytes a request target may hold that need no decoding and start no query or fragment:
    /// visible ASCII except `#`, `%` and `?` (``RequestTarget``'s one-pass form).
    static var plainTarget: ByteSet { ByteSet(low: 0x7FFF_FFD6_0000_0000, high: 0x7FFF_FFFF_FFFF_FFFF) }
}
