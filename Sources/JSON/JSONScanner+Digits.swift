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

    /// The digits of `chunk` before its first non-digit byte, with the bytes from there on
    /// read as trailing zeros (`"639,-0.1"` → 63 900 000), and how many digits there were.
    ///
    /// Trailing zeros leave a fraction's value unchanged (0.639 = 0.63900000), so the caller
    /// scales by a fixed 10⁻⁸ instead of shifting the digits down: fewer operations than
    /// ``digitsValue(_:count:)``, and none that depends on the count.
    @inline(__always)
    static func paddedDigits(_ chunk: UInt64) -> (value: UInt64, count: Int) {
        let x = chunk ^ 0x3030_3030_3030_3030  // a digit byte becomes its value, 0…9
        // Bit 7 of a byte set when it is above 9: the low seven bits plus 0x76 carry into bit
        // 7 exactly from 10 on, never out of the byte; the OR catches bytes ≥ 0x80.
        let nonDigits = (((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | x) & 0x8080_8080_8080_8080
        let firstNonDigit = nonDigits & (0 &- nonDigits)
        // All bits of the bytes below the first non-digit; all 64 when there is none.
        let kept = (firstNonDigit &>> 7) &- 1
        return (eightDigitValues(x & kept), nonDigits.trailingZeroBitCount &>> 3)
    }

    /// The value of eight ASCII digits, first digit in the lowest byte, in three multiplies.
    @inline(__always)
    static func eightDigitsValue(_ chunk: UInt64) -> UInt64 {
        eightDigitValues(chunk &- 0x3030_3030_3030_3030)
    }

    /// The number written by eight digit values 0…9, one per byte, first in the lowest byte:
    /// pairs, then quadruples, then the whole in three multiplies (simdjson's method).
    @inline(__always)
    static func eightDigitValues(_ digits: UInt64) -> UInt64 {
        let pairs = (digits &* 10) &+ (digits &>> 8)
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        return (((pairs & mask) &* 0x000F_4240_0000_0064) &+ (((pairs &>> 16) & mask) &* 0x0000_2710_0000_0001)) &>> 32
    }
}
