/// SWAR ("SIMD within a register") digit parsing: eight ASCII bytes loaded as one UInt64,
/// first byte in the lowest bits, checked and converted with a handful of integer operations
/// instead of a branch per digit (the technique of simdjson and fast_float).
extension JSONScanner {
    /// Whether all eight bytes of `chunk` are ASCII digits (simdjson's check).
    @inline(__always)
    static func isEightDigits(_ chunk: UInt64) -> Bool {
        (chunk & 0xF0F0_F0F0_F0F0_F0F0) | (((chunk &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4)
            == 0x3333_3333_3333_3333
    }

    /// How many of the eight bytes of `chunk`, from the lowest, are ASCII digits before the
    /// first byte that is not. Per byte, `b ^ 0x30` is 0…9 exactly for a digit: its high
    /// nibble is zero and its low nibble plus 6 does not carry into the high one.
    @inline(__always)
    static func leadingDigitCount(_ chunk: UInt64) -> Int {
        let x = chunk ^ 0x3030_3030_3030_3030
        let notDigits = (x & 0xF0F0_F0F0_F0F0_F0F0) | (((x & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0)
        return notDigits.trailingZeroBitCount &>> 3
    }

    /// The value of the first `count` (0…8) digits of `chunk`: they are moved to the top
    /// bytes and the bytes below filled with '0', which add nothing as leading zeros.
    /// Branch-free, since `count` varies unpredictably from number to number; each shift by
    /// up to 64 is done in two halves because `&<<`/`&>>` mask 64 to 0 (and `<<` branches).
    @inline(__always)
    static func digitsValue(_ chunk: UInt64, count: Int) -> UInt64 {
        let keptShift = UInt64(truncatingIfNeeded: 64 &- 8 &* count)
        let fillShift = 64 &- keptShift
        let kept = (chunk &<< (keptShift &>> 1)) &<< (keptShift &- (keptShift &>> 1))
        let fill = ((0x3030_3030_3030_3030 as UInt64) &>> (fillShift &>> 1)) &>> (fillShift &- (fillShift &>> 1))
        return eightDigitsValue(kept | fill)
    }

    /// The value of eight ASCII digits, first digit in the lowest byte, in three multiplies.
    @inline(__always)
    static func eightDigitsValue(_ chunk: UInt64) -> UInt64 {
        var value = chunk &- 0x3030_3030_3030_3030
        value = (value &* 10) &+ (value >> 8)
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        value = (((value & mask) &* 0x000F_4240_0000_0064) &+ (((value >> 16) & mask) &* 0x0000_2710_0000_0001)) >> 32
        return value
    }
}
