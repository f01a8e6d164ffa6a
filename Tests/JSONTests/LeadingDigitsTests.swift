import Testing
@testable import JSON

/// The AVX2 kernel's leading-digits parser (`parse_four_lead`) rounds a long `D.F…` number from
/// its first 14 digits and hands it to the exact parser when the digits it cut could move it
/// across a Float midpoint. These rows put numbers right at, just below and just above Float
/// midpoints — the only places where cutting digits could change the Float — with 15 to 30
/// significant digits, in Python-default rows, and expect `Float(text)` on every path.
struct LeadingDigitsTests {
    /// The exact decimal digits of `value` (a Double whose exact expansion ends by 10⁻⁶⁰) as
    /// `(integer digits, fraction digits)`, by long multiplication: value = m · 2^e = m · 5^-e / 10^-e.
    static func exactDecimal(_ value: Double) -> (String, String) {
        precondition(value > 0 && value < 10)
        var significand = value.significandBitPattern | (1 << 52)
        var exponent = Int(value.exponent) - 52
        while significand & 1 == 0 {
            significand >>= 1
            exponent += 1
        }
        // Little-endian decimal digits of significand · 5^-exponent (exponent < 0 here).
        var digits = Array(String(significand).utf8.reversed().map { Int($0 - 48) })
        for _ in 0..<(-exponent) {
            var carry = 0
            for index in digits.indices {
                let product = digits[index] * 5 + carry
                digits[index] = product % 10
                carry = product / 10
            }
            while carry > 0 {
                digits.append(carry % 10)
                carry /= 10
            }
        }
        let fractionCount = -exponent
        while digits.count <= fractionCount { digits.append(0) }
        let text = String(digits.reversed().map { Character(String($0)) })
        return (String(text.dropLast(fractionCount)), String(text.suffix(fractionCount)))
    }

    /// Decimal texts within a few units of the n-th significant digit of the midpoint above
    /// `value`, for n = 15…30, on both sides, and the midpoint itself.
    static func nearMidpoint(_ value: Float) -> [String] {
        let midpoint = (Double(value) + Double(value.nextUp)) / 2
        let (integer, fraction) = exactDecimal(midpoint)
        var texts = [integer + "." + fraction]
        let leadingZeros = integer == "0" ? fraction.prefix(while: { $0 == "0" }).count : 0
        for significant in 15...30 {
            let kept = significant - (integer == "0" ? 0 : integer.count) + leadingZeros
            guard kept > 0, kept < fraction.count else { continue }
            let cut = String(fraction.prefix(kept))
            texts.append(integer + "." + cut)  // just below (or at) the midpoint
            texts.append(integer + "." + cut + "1")  // the same, a little above
            texts.append(integer + "." + incremented(cut))  // just above
        }
        return texts.filter { $0.utf8.count <= 33 }
    }

    /// `digits` plus one in its last place (no carry out of the first digit for these inputs).
    static func incremented(_ digits: String) -> String {
        var bytes = Array(digits.utf8)
        var index = bytes.count - 1
        while index >= 0 && bytes[index] == UInt8(ascii: "9") {
            bytes[index] = UInt8(ascii: "0")
            index -= 1
        }
        if index >= 0 { bytes[index] += 1 }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func exactDecimalOfKnownValues() {
        #expect(Self.exactDecimal(0.5) == ("0", "5"))
        #expect(Self.exactDecimal(1.25) == ("1", "25"))
        #expect(Self.exactDecimal(Double(Float(0.1))) == ("0", "100000001490116119384765625"))
    }

    /// Random Floats in 0.001…10 (one integer digit, and the smallest significands the parser
    /// takes when it cuts digits), each as the texts around the midpoint above it, signed at
    /// random, in rows with `", "` and with pretty-printing's indentation, at several offsets.
    @Test func numbersAtFloatMidpointsRoundExactly() {
        var generator = SplitMix64(state: 404)
        for round in 0..<60 {
            var texts: [String] = []
            while texts.count < 240 {
                let magnitude = [
                    Float.random(in: 1...9.99, using: &generator), Float.random(in: 0.1...1, using: &generator),
                    Float.random(in: 0.01...0.1, using: &generator), Float.random(in: 0.001...0.01, using: &generator)
                ]
                for text in Self.nearMidpoint(magnitude[round % 4]) {
                    texts.append((Bool.random(using: &generator) ? "-" : "") + text)
                }
            }
            let separator = round % 3 == 2 ? ",\n    " : ", "
            TensorRowBatchTests.expectRow(texts, lead: round % 7 * 9, separator: separator)
        }
    }

    /// Rows of long numbers list their separators with fewer slots a 64-byte block (more take a
    /// branch); stretches of short numbers (`0.0, ` is 5 bytes: 12 a block) inside such rows, at
    /// every offset of a block, with and without the space.
    @Test func shortStretchesInsideLongRows() {
        let long = (0..<60).map { "-0.\(13_210_485_875_606_537 + $0 * 7919)" }
        let short = (0..<40).map { ["0.0", "0.5", "-1.0", "7", "0.25"][$0 % 5] }
        for lead in 0..<64 {
            TensorRowBatchTests.expectRow(long + short + long + short, lead: lead, separator: ", ")
            TensorRowBatchTests.expectRow(long + short + long, lead: lead, separator: ",")
        }
    }

    /// Shapes at the parser's edges: `D` alone, tokens of 14, 15, 31 and 32 bytes, a value
    /// all leading zeros, exponents; and malformed elements.
    @Test func edgeShapesInRowsWithSpaces() {
        let edges = [
            "7", "-0", "0.12345678901234", "0.123456789012345", "1.23456789012345678901234567890",
            "1.234567890123456789012345678901", "-0.000000000000000000000000000001", "0.0000000000000000000000000001",
            "9.99999999999999999999999999999", "0.5e-3", "-1.5E+2"
        ]
        let filler = (0..<40).map { "0.\(13_210_485_875_606_537 + $0 * 7919)" }
        for (index, edge) in edges.enumerated() {
            for lane in 0..<8 {
                var texts = filler
                texts.insert(edge, at: 8 + lane)
                TensorRowBatchTests.expectRow(texts, lead: index * 5, separator: ", ")
            }
        }
        // Malformed elements amid long numbers: an error (the same on every path), never a value.
        let refused = ["1.", "01.5", "- 1.5", "--1.5", "1.5.5", "1 .5", "1.5 5", "-", ".5", "1.5-"]
        for element in refused {
            let document = "[0.5, 0.25, " + element + ", " + filler.joined(separator: ", ") + "]"
            let outcome = TensorFastPathTests.expectAgreement(document)
            guard case .error = outcome else {
                Issue.record("\(element) was accepted: \(outcome)")
                continue
            }
        }
    }

    /// A second point at each place of a long token (up to 31 bytes, with and without an exponent
    /// part and a minus), in every lane of a group of four amid Python's rows: an error on every
    /// path. The leading-digits parser checks the bytes past a token's first 15 in the 16 that end
    /// at its mantissa, and once read a point at the first of them as a digit (the fuzzer's find:
    /// `4.4911384582519.56777626015537e-13` gave 4.4911384582519e-13).
    @Test func secondPointsInLongTokensAreRefused() {
        let filler = (0..<40).map { "0.\(13_210_485_875_606_537 + $0 * 7919)" }
        let digits = Array("4491138458251956777626015537123")
        for length in 20...31 {
            for point in 2..<(length - 1) {
                // Tokens of `length` bytes: plain, after a minus, with an exponent part, both;
                // the second point at `point` in the mantissa (when it has a digit after it).
                let forms: [String] = [("", ""), ("-", ""), ("", "e-13"), ("-", "e-13")].compactMap { sign, exponent in
                    let mantissa = length - sign.count - exponent.count
                    guard point < mantissa - 1 else { return nil }
                    var characters = Array("4." + String(digits[..<(mantissa - 2)]))
                    characters[point] = "."
                    return sign + String(characters) + exponent
                }
                for (form, element) in forms.enumerated() {
                    for lane in 0..<4 {
                        var texts = filler
                        texts.insert(element, at: 20 + lane)
                        let outcome = TensorFastPathTests.expectAgreement("[" + texts.joined(separator: ", ") + "]")
                        guard case .error = outcome else {
                            Issue.record("\(element) (form \(form), lane \(lane)) was accepted: \(outcome)")
                            continue
                        }
                    }
                }
            }
        }
    }
}
