extension ShortestFloat {
    /// Writes `value` as Swift's `Float.description` would, without making a String: decimal
    /// notation for 10⁻⁴ ≤ |x| ≤ 2²⁴ (`0.0001`, `16777216.0`), otherwise scientific with a
    /// sign and at least two exponent digits (`1e-05`, `3.4028235e+38`).
    ///
    /// - Precondition: `value` is finite (the writer turns NaN and infinities into `null`).
    @inline(__always)
    static func format(_ value: Float, into bytes: inout [UInt8]) {
        var buffer: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &buffer) { raw in
            let count = format(value, to: raw.baseAddress!)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[..<count]))
        }
    }

    /// Writes `value` at `start` (room for ``maxLength`` bytes) and returns the byte count.
    @inline(__always)
    static func format(_ value: Float, to start: UnsafeMutableRawPointer) -> Int {
        let out = UnsafeMutableRawBufferPointer(start: start, count: maxLength)
        let bits = value.bitPattern
        let mantissa = bits & 0x7F_FFFF
        let exponent = (bits >> 23) & 0xFF
        var length = 0
        if bits >> 31 != 0 {
            out[0] = UInt8(ascii: "-")
            length = 1
        }
        if mantissa == 0 && exponent == 0 {
            out[length] = UInt8(ascii: "0")
            out[length + 1] = UInt8(ascii: ".")
            out[length + 2] = UInt8(ascii: "0")
            return length + 3
        }
        let decimal = self.decimal(mantissa: mantissa, exponent: exponent)
        let digitCount = decimalLength(decimal.significand)
        // value = 0.d₁d₂…dₙ × 10^point
        let point = Int(decimal.exponent) + digitCount
        if point >= -3 && value.magnitude <= 0x1p24 {
            return writeDecimal(decimal.significand, digitCount: digitCount, point: point, out, at: length)
        }
        return writeScientific(decimal.significand, digitCount: digitCount, exponent: point - 1, out, at: length)
    }

    /// The longest output: `-1.2345678e-38`, `-0.00012345678`.
    static let maxLength = 15

    /// `123.45`, `0.001`, `1200.0`.
    @inline(__always)
    private static func writeDecimal(
        _ significand: UInt32, digitCount: Int, point: Int, _ out: UnsafeMutableRawBufferPointer, at start: Int
    ) -> Int {
        var length = start
        if point <= 0 {
            out[length] = UInt8(ascii: "0")
            out[length + 1] = UInt8(ascii: ".")
            length += 2
            for _ in 0 ..< -point {
                out[length] = UInt8(ascii: "0")
                length += 1
            }
            writeDigits(significand, count: digitCount, out, at: length)
            return length + digitCount
        }
        if point < digitCount {
            // Digits with a point inside: write them shifted, then open the gap for the point.
            writeDigits(significand, count: digitCount, out, at: length + 1)
            for index in 0..<point { out[length + index] = out[length + index + 1] }
            out[length + point] = UInt8(ascii: ".")
            return length + digitCount + 1
        }
        writeDigits(significand, count: digitCount, out, at: length)
        length += digitCount
        for _ in digitCount..<point {
            out[length] = UInt8(ascii: "0")
            length += 1
        }
        out[length] = UInt8(ascii: ".")
        out[length + 1] = UInt8(ascii: "0")
        return length + 2
    }

    /// `1e-05`, `1.5e+20`.
    @inline(__always)
    private static func writeScientific(
        _ significand: UInt32, digitCount: Int, exponent: Int, _ out: UnsafeMutableRawBufferPointer, at start: Int
    ) -> Int {
        var length = start
        if digitCount == 1 {
            out[length] = UInt8(ascii: "0") + UInt8(significand)
            length += 1
        } else {
            writeDigits(significand, count: digitCount, out, at: length + 1)
            out[length] = out[length + 1]
            out[length + 1] = UInt8(ascii: ".")
            length += digitCount + 1
        }
        out[length] = UInt8(ascii: "e")
        out[length + 1] = exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
        let magnitude = exponent.magnitude
        out[length + 2] = UInt8(ascii: "0") + UInt8(magnitude / 10)
        out[length + 3] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        return length + 4
    }

    /// Writes the `count` decimal digits of `value` at `start`, two at a time.
    @inline(__always)
    private static func writeDigits(_ value: UInt32, count: Int, _ out: UnsafeMutableRawBufferPointer, at start: Int) {
        var value = value
        var index = start + count
        let pairs = digitPairs.utf8Start
        while value >= 100 {
            let pair = Int(value % 100) * 2
            value /= 100
            index -= 2
            out[index] = pairs[pair]
            out[index + 1] = pairs[pair + 1]
        }
        if value >= 10 {
            out[index - 2] = pairs[Int(value) * 2]
            out[index - 1] = pairs[Int(value) * 2 + 1]
        } else {
            out[index - 1] = UInt8(ascii: "0") + UInt8(value)
        }
    }

    /// The number of decimal digits of `value` (at most 9 for a Float's significand).
    @inline(__always)
    private static func decimalLength(_ value: UInt32) -> Int {
        if value >= 100_000_000 { return 9 }
        if value >= 10_000_000 { return 8 }
        if value >= 1_000_000 { return 7 }
        if value >= 100_000 { return 6 }
        if value >= 10_000 { return 5 }
        if value >= 1_000 { return 4 }
        if value >= 100 { return 3 }
        if value >= 10 { return 2 }
        return 1
    }
}

/// "00" "01" … "99": two digits per lookup halves the divisions.
private let digitPairs: StaticString = """
    00010203040506070809101112131415161718192021222324252627282930313233343536373839\
    40414243444546474849505152535455565758596061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899
    """
