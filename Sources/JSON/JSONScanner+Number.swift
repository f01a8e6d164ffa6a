/// A JSON number as scanned: `significand × 10^exponent`, before conversion to binary.
///
/// At most 19 significant digits are kept (they fit a UInt64); `isExact` is false when a
/// dropped digit was non-zero, which sends the conversion to the slow, exact path.
struct DecimalNumber {
    var significand: UInt64 = 0
    var exponent: Int = 0
    var isNegative = false
    var isExact = true
    /// The number's bytes, for the slow path.
    var start = 0
    var end = 0
}

/// 10⁰ … 10²², every one exactly representable as a Double.
let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
]

extension JSONScanner {
    /// Scans `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?` (RFC 8259 §6) at `position`.
    @inline(__always)
    mutating func scanNumber() throws(JSONError) -> DecimalNumber {
        var number = DecimalNumber(start: position)
        var p = position
        let count = bytes.count
        if p < count && bytes[p] == UInt8(ascii: "-") {
            number.isNegative = true
            p += 1
        }
        guard p < count else { throw .unexpectedEnd(location(p)) }
        var digits = 0
        let first = bytes[p]
        if first == UInt8(ascii: "0") {
            p += 1
            if p < count && (bytes[p] &- UInt8(ascii: "0")) < 10 { throw .leadingZero(location(number.start)) }
        } else if (first &- UInt8(ascii: "1")) < 9 {
            while p < count {
                let digit = bytes[p] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if digits < 19 {
                    number.significand = number.significand &* 10 &+ UInt64(digit)
                    digits += 1
                } else {
                    number.exponent += 1
                    if digit != 0 { number.isExact = false }
                }
                p += 1
            }
        } else {
            position = p
            throw unexpected(.digit)
        }
        if p < count && bytes[p] == UInt8(ascii: ".") {
            p += 1
            guard p < count, (bytes[p] &- UInt8(ascii: "0")) < 10 else {
                position = p
                throw unexpected(.digit)
            }
            while p < count {
                let digit = bytes[p] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if digits < 19 {
                    // Leading zeros of a fraction (0.001) scale, they are not significant.
                    if digits > 0 || digit != 0 {
                        number.significand = number.significand &* 10 &+ UInt64(digit)
                        digits += 1
                    }
                    number.exponent -= 1
                } else if digit != 0 {
                    number.isExact = false
                }
                p += 1
            }
        }
        if p < count && (bytes[p] | 0x20) == UInt8(ascii: "e") {
            p += 1
            var negativeExponent = false
            if p < count && (bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-")) {
                negativeExponent = bytes[p] == UInt8(ascii: "-")
                p += 1
            }
            guard p < count, (bytes[p] &- UInt8(ascii: "0")) < 10 else {
                position = p
                throw unexpected(.digit)
            }
            var value = 0
            while p < count {
                let digit = bytes[p] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                // Saturate: 10^100000 is already infinite or zero for any significand.
                if value < 100_000 { value = value * 10 + Int(digit) }
                p += 1
            }
            number.exponent += negativeExponent ? -value : value
        }
        number.end = p
        position = p
        return number
    }

    /// `|number|` as a Double when Clinger's fast path (1990) applies, else nil: a significand
    /// below 2⁵³ and |exponent| ≤ 22 are both exact Doubles, so one IEEE multiply or divide
    /// rounds correctly. Zero is returned with its sign.
    @inline(__always)
    private func fastMagnitude(_ number: DecimalNumber) -> Double? {
        guard number.isExact else { return nil }
        if number.significand == 0 { return number.isNegative ? -0.0 : 0.0 }
        guard number.significand <= 1 << 53 && number.exponent >= -22 && number.exponent <= 22 else { return nil }
        let value = Double(number.significand)
        return number.exponent < 0
            ? value / exactPowersOfTen[-number.exponent] : value * exactPowersOfTen[number.exponent]
    }

    /// The Double nearest to `number` (ties to even), or nil when it overflows Double.
    ///
    /// The fast path (``fastMagnitude(_:)``) where it applies; everything else goes to the
    /// standard library's correctly rounded `Double(String)`.
    @inline(__always)
    func doubleValue(_ number: DecimalNumber) -> Double? {
        if let value = fastMagnitude(number) {
            return value == 0 || !number.isNegative ? value : -value
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[number.start..<number.end]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The Float nearest to `number` (ties to even), or nil when it is outside Float's range.
    ///
    /// Rounding first to Double and then to Float gives the correctly rounded Float except when
    /// the Double lands exactly on a midpoint between two Floats (midpoints are Doubles, and
    /// rounding is monotonic, so nothing else can flip). That case, subnormal Floats and the
    /// numbers outside the fast path use `Float(String)`, which rounds once.
    @inline(__always)
    func floatValue(_ number: DecimalNumber) -> Float? {
        if let value = fastMagnitude(number) {
            if value == 0 { return Float(value) }
            // The 29 low significand bits are what Float drops; 1 followed by 28 zeros
            // is exactly half a Float ulp.
            let isMidpoint = value.bitPattern & 0x1FFF_FFFF == 0x1000_0000
            if !isMidpoint && value >= Double(Float.leastNormalMagnitude) {
                let single = Float(value)
                guard single.isFinite else { return nil }
                return number.isNegative ? -single : single
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[number.start..<number.end]), as: UTF8.self)
        guard let value = Float(text), value.isFinite else { return nil }
        return value
    }
}
