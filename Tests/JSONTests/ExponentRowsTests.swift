import Testing
@testable import JSON

/// The AVX2 kernel's leading-digits parser with exponents (`parse_four_lead_exponents`) takes
/// rows of `D.F…e±XX` numbers four at a time, the exponent read from the bytes that end at each
/// separator. Exponent forms as Python, numpy, JavaScript and C write them, at every magnitude
/// of the Float range, with random whitespace: strtof's Float on every path; malformed exponents
/// in every lane of a group: an error, the same on every path.
struct ExponentRowsTests {
    /// `digits` (the first one nonzero) times 10^exponent in exponent form, in one of five styles:
    /// Python and numpy (`e-06`, `e+38`), JavaScript (`e-7`, `e+21`), no plus (`E21`), C's
    /// `E+02`, and three exponent digits (`e-005`, which the kernel leaves to the exact parser).
    static func layout(digits: String, exponent: Int, negative: Bool, style: Int) -> String {
        let mantissa = digits.prefix(1) + (digits.count > 1 ? "." + digits.dropFirst() : "")
        let power = abs(exponent)
        let sign = exponent < 0 ? "-" : "+"
        let suffix: String
        switch style {
        case 0: suffix = "e" + sign + (power < 10 ? "0" : "") + String(power)
        case 1: suffix = "e" + sign + String(power)
        case 2: suffix = "E" + (exponent < 0 ? "-" : "") + String(power)
        case 3: suffix = "E" + sign + (power < 10 ? "0" : "") + String(power)
        default: suffix = "e" + sign + String(repeating: "0", count: 3 - String(power).count) + String(power)
        }
        return (negative ? "-" : "") + mantissa + suffix
    }

    /// A random normal Float, its magnitude anywhere from 10⁻³⁸ to 10³⁸, in exponent form with
    /// the digits of the Float (shortest, as numpy and orjson write it) or of the Double it
    /// widens to (up to 17, as Python's json.dumps writes it); now and then a zero.
    static func randomText(_ generator: inout SplitMix64) -> String {
        if Int.random(in: 0..<10, using: &generator) == 0 { return "0.0" }
        var value = Float(0)
        while !value.isNormal {
            let power = Double(Int.random(in: -38...38, using: &generator))
            value = Float(Double.random(in: 1..<10, using: &generator) * powerOfTen(power))
        }
        let text = Bool.random(using: &generator) ? "\(Double(value))" : "\(value)"
        let (digits, exponent) = ClientNumberFormsTests.Form.digits(of: text)
        let style = Int.random(in: 0..<12, using: &generator)
        return layout(digits: digits, exponent: exponent, negative: Bool.random(using: &generator), style: style < 4 ? 0 : style - 4)
    }

    /// 10^power as a Double (exactly rounded is not needed: it only spreads the values).
    static func powerOfTen(_ power: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(power.magnitude) { result *= 10 }
        return power < 0 ? 1 / result : result
    }

    @Test func exponentRowsWithWhitespaceParseToStrtofOnEveryPath() {
        var generator = SplitMix64(state: 2026)
        for round in 0..<16 {
            let rows = Int.random(in: 1...4, using: &generator)
            let columns = Int.random(in: 1...300, using: &generator)
            // Python's `, ` most of the time, any JSON whitespace now and then.
            let gaps = round % 2 == 0 ? [" "] : ClientNumberFormsTests.gaps
            var texts: [String] = []
            var document = "["
            for row in 0..<rows {
                document += (row > 0 ? ", " : "") + "["
                for column in 0..<columns {
                    let text = Self.randomText(&generator)
                    texts.append(text)
                    document += (column > 0 ? "," + gaps.randomElement(using: &generator)! : "") + text
                }
                document += "]"
            }
            ClientNumberFormsTests.expectStrtofOnEveryPath(
                document + "]", texts: texts, shape: [rows, columns], case: "round \(round)")
        }
    }

    /// The edges of the Float range in exponent form amid exponent rows: the largest Float and
    /// the values rounding to it or past it, the smallest normal one, subnormals and values that
    /// round to zero. Every path agrees (an error for those past the largest Float).
    @Test func rangeEdgesInExponentRowsAgree() {
        let filler = (0..<40).map { "\($0 % 9 + 1).\(1_000_000 + $0 * 7919)e-0\($0 % 9 + 1)" }
        Self.expectAgreementInEachLane(of: Self.rangeEdges, amid: filler)
    }

    static let rangeEdges = [
        "3.4028234663852886e+38", "3.4028235e+38", "3.4028235677973366e+38", "3.4028235677973367e+38", "3.5e+38",
        "1e+39", "1.1754943508222875e-38", "1.1754942e-38", "1e-40", "1.401298464324817e-45", "7e-46", "1e-50",
        "-3.4028235e+38", "-1e-40", "9.99e+37", "1e-37", "0e+99", "0.0e-99", "1.5e999", "1.5e-999", "0e999"
    ]

    /// Each element at index 20…23 of `filler` (each lane of a group of four): every path agrees.
    static func expectAgreementInEachLane(of elements: [String], amid filler: [String]) {
        for element in elements {
            for lane in 0..<4 {
                var texts = filler
                texts.insert(element, at: 20 + lane)
                _ = TensorFastPathTests.expectAgreement("[" + texts.joined(separator: ", ") + "]")
            }
        }
    }

    /// Exponent forms one at a time amid rows of plain numbers (Python's float32 rows: about one
    /// in a hundred), where the group's other three pass and the AVX2 kernel reads the one
    /// declined by its exponent span parser before the exact one: strtof's Float on every path.
    @Test func loneExponentFormsAmidPlainRowsParseToStrtofOnEveryPath() {
        var generator = SplitMix64(state: 1418)
        for round in 0..<12 {
            let gaps = round % 2 == 0 ? [" "] : ClientNumberFormsTests.gaps
            var texts: [String] = []
            var document = "["
            for column in 0..<240 {
                let text: String
                switch column % 10 {
                case 3: text = Self.randomText(&generator)
                case 8:
                    // A Float midpoint at 10⁻⁹…10⁻⁵ (a Double), or the Double beside it: Swift
                    // writes these in exponent form, and the side decides the Float.
                    let below = Float.random(in: 1e-9..<1e-5, using: &generator)
                    let midpoint = (Double(below) + Double(below.nextUp)) / 2
                    text = "\([midpoint.nextDown, midpoint, midpoint.nextUp].randomElement(using: &generator)!)"
                default: text = "\(Double(Float.random(in: -2..<2, using: &generator)))"
                }
                texts.append(text)
                document += (column > 0 ? "," + gaps.randomElement(using: &generator)! : "") + text
            }
            ClientNumberFormsTests.expectStrtofOnEveryPath(
                document + "]", texts: texts, shape: [240], case: "round \(round)")
        }
    }

    /// rangeEdgesInExponentRowsAgree's edges, and malformed exponents, alone amid plain rows.
    @Test func rangeEdgesAndMalformedExponentsAmidPlainRowsAgree() {
        let more = [
            "1.5e-0005", "1.5E+005", "2.5e-45", "1.0000000000000000001e-5", "12345678901234567890e-20",
            "1e", "1.5e+-5", "1.e5", "01.5e-05", "1.5e5-", "1.5e 5", "-e5", "1.5ee5"
        ]
        let filler = (0..<40).map { "-0.\(1_000_000_000_000_000 + $0 * 7_919_000_001)" }
        Self.expectAgreementInEachLane(of: Self.rangeEdges + more, amid: filler)
    }

    /// Malformed exponents in each lane of a group, amid exponent rows: an error, the same on
    /// every path, never a value.
    @Test func malformedExponentsInEveryLane() {
        let malformed = [
            "1e", "1e+", "1e-", "1.5E", "1.5e5e5", "1.5e--5", "1.5e+-5", "1.5ee5", "1.5e5.0", "1.5e 5", "1.5 e5", "e5",
            "1.5e5-", "1.e5", "-e5", "1.5e0x", "1.5e-0-", "1.5f-05", "01.5e-05", "1.5e-05e", "1.5e--9", "1.5e-+-",
            "1.5e9-9"
        ]
        let filler = (0..<40).map { "-\($0 % 9 + 1).\(1_000_000 + $0 * 7919)e-0\($0 % 9 + 1)" }
        for element in malformed {
            for lane in 0..<8 {
                var texts = filler
                texts.insert(element, at: 12 + lane)
                guard case .error = TensorFastPathTests.expectAgreement("[" + texts.joined(separator: ", ") + "]") else {
                    Issue.record("\(element) in lane \(lane) was accepted")
                    continue
                }
            }
        }
    }

    /// Exponent parts of every length the kernel reads from the 4 bytes before a separator (`e5`,
    /// `e+5`, `e-05`, `E21`), those it must not (three digits, which a weight of 10 on the first
    /// would read as `e10` for `e100`; an `e` last; a sign away from the `e`; a second `e`), in each
    /// lane of a group amid exponent rows: every path agrees (a value or the same error).
    @Test func exponentPartsOfEachLengthInEachLane() {
        let elements = [
            "1.5e5", "1.5e+5", "1.5e-5", "1.5E5", "1.5e05", "1.5e-05", "-1.5E+05", "1.5e12", "1.5e-12", "1.5E+38", "2e-7",
            "7e1", "0e5", "0.0", "1.5", "-0.25", "1.5e100", "1e100", "1.5e123", "0e123", "1.5e012", "1.5e-100", "1.5e1+",
            "1.5e+5e", "1.5e5+5", "1.5e-+5", "1.5e5e", "1.5e+e5", "1.5e-0e", "1.5e-5.", "1.5-e5", "1.5e-05 ", "1.5 e-05"
        ]
        let filler = (0..<40).map { "-\($0 % 9 + 1).\(1_000_000 + $0 * 7919)e-0\($0 % 9 + 1)" }
        Self.expectAgreementInEachLane(of: elements, amid: filler)
    }

    /// Compact rows where a short number follows an exponent form, so that its 4 bytes before the
    /// separator hold the `e` of the number before (`1e5,5`): read as that number's exponent part,
    /// which the mantissa's checks refuse, and then taken by the exact parser. Every path agrees
    /// at every alignment of the group.
    @Test func shortNumbersAfterExponentFormsInCompactRows() {
        let pattern = ["1e5", "5", "2.5e-7", "7", "1E+2", "0", "3e-05", "-4", "9.75e-1", "12"]
        for shift in 0..<8 {
            let texts = (0..<60).map { pattern[($0 + shift) % pattern.count] }
            _ = TensorFastPathTests.expectAgreement("[" + texts.joined(separator: ",") + "]")
        }
    }
}
