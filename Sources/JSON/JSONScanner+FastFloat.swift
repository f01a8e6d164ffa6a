extension JSONScanner {
    /// The tensor fast path for one number: the common shapes (`-0.12345678`, `3`, `1e-05`)
    /// parsed and rounded to Float in one pass, eight fraction digits at a time.
    ///
    /// Returns nil, consuming nothing, for anything unusual — more than 19 digits, a leading
    /// zero, a malformed number, a decimal exponent beyond ±22, a Float midpoint, a subnormal,
    /// an overflow — and the caller takes the general path, which rounds those exactly and
    /// names errors precisely. So this function only has to be right when it answers.
    @inline(__always)
    mutating func scanFastFloat() -> Float? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var p = position
        let isNegative = p < count && base[p] == UInt8(ascii: "-")
        if isNegative { p += 1 }
        guard p < count else { return nil }
        var significand: UInt64 = 0
        var digits = 0
        var digit = base[p] &- UInt8(ascii: "0")
        if digit == 0 {
            p += 1
            if p < count && (base[p] &- UInt8(ascii: "0")) < 10 { return nil }
        } else if digit < 10 {
            repeat {
                guard digits < 19 else { return nil }
                significand = significand &* 10 &+ UInt64(digit)
                digits += 1
                p += 1
                guard p < count else { break }
                digit = base[p] &- UInt8(ascii: "0")
            } while digit < 10
        } else {
            return nil
        }
        var exponent = 0
        if p < count && base[p] == UInt8(ascii: ".") {
            p += 1
            let fractionStart = p
            // Up to eight digits per step. Leading zeros count as digits here, so the
            // significand stays below 10¹⁹ and exact.
            while p + 8 <= count && digits <= 11 {
                let chunk = UInt64(littleEndian: UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self))
                let run = Self.leadingDigitCount(chunk)
                guard run > 0 else { break }
                significand = significand &* Self.powerOfTen(run) &+ Self.digitsValue(chunk, count: run)
                digits += run
                p += run
                guard run == 8 else { break }
            }
            while p < count {
                digit = base[p] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                guard digits < 19 else { return nil }
                significand = significand &* 10 &+ UInt64(digit)
                digits += 1
                p += 1
            }
            guard p > fractionStart else { return nil }
            exponent = fractionStart - p
        }
        if p < count && base[p] | 0x20 == UInt8(ascii: "e") {
            p += 1
            var isNegativeExponent = false
            if p < count && (base[p] == UInt8(ascii: "-") || base[p] == UInt8(ascii: "+")) {
                isNegativeExponent = base[p] == UInt8(ascii: "-")
                p += 1
            }
            guard p < count, (base[p] &- UInt8(ascii: "0")) < 10 else { return nil }
            var value = 0
            while p < count {
                digit = base[p] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if value < 10_000 { value = value * 10 + Int(digit) }
                p += 1
            }
            exponent += isNegativeExponent ? -value : value
        }
        if significand == 0 {
            position = p
            return isNegative ? -0.0 : 0.0
        }
        guard significand <= 1 << 53, exponent >= -22, exponent <= 22 else { return nil }
        var value = Double(significand)
        if exponent < 0 {
            value /= exactPowersOfTen[-exponent]
        } else {
            value *= exactPowersOfTen[exponent]
        }
        // As in floatValue(_:): a Float midpoint or a subnormal needs the exact path.
        guard value.bitPattern & 0x1FFF_FFFF != 0x1000_0000, value >= Double(Float.leastNormalMagnitude) else {
            return nil
        }
        let single = Float(value)
        guard single.isFinite else { return nil }
        position = p
        return isNegative ? -single : single
    }

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
        return notDigits.trailingZeroBitCount / 8
    }

    /// The value of the first `count` (1…8) digits of `chunk`: they are moved to the top
    /// bytes and the bytes below filled with '0', which add nothing as leading zeros.
    @inline(__always)
    static func digitsValue(_ chunk: UInt64, count: Int) -> UInt64 {
        guard count < 8 else { return eightDigitsValue(chunk) }
        let shift = UInt64(8 * (8 - count))
        return eightDigitsValue((chunk << shift) | (0x3030_3030_3030_3030 >> UInt64(8 * count)))
    }

    /// 10^`exponent` for 0…8.
    @inline(__always)
    static func powerOfTen(_ exponent: Int) -> UInt64 {
        var result: UInt64 = 1
        for _ in 0..<exponent { result &*= 10 }
        return result
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

    /// The offset of the first non-whitespace byte at or after `offset`.
    @inline(__always)
    func skippingWhitespace(from offset: Int) -> Int {
        var p = offset
        while p < bytes.count {
            let byte = bytes[p]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { break }
            p += 1
        }
        return p
    }
}
