import Testing
@testable import JSON

/// The AVX2 kernel's eight-at-a-time integer parser (`parse_eight_integers`) takes integer rows
/// whose spans, whitespace included, are at most 8 bytes, from the 8 bytes that end at each
/// separator, four to a register; pairs of groups it declines go four at a time. Integers of
/// 1–9 digits with signs and every JSON whitespace, in every lane of a group of eight and at
/// every offset of a 64-byte block, parse to strtof's Floats on every path (both kernel builds
/// among them); malformed integers in every lane give the general path's error.
struct ShortIntegerRowsTests {
    /// Values at the edges of the parser: zeros, the first integers a Float rounds (2²⁴ + 1,
    /// ties to even), the longest spans it takes and the first it declines, more than 19 digits.
    static let edges = [
        "0", "-0", "9", "-9", "10", "255", "16777216", "16777217", "16777219", "-16777217", "33554435", "99999999",
        "-9999999", "12345678", "-1234567", "100000000", "123456789", "-99999999", "1000000", "20000001",
        "12345678901234567890123", "-98765432109876543210"
    ]

    /// Whitespace before and after the commas, as clients write it and beyond.
    static let separators = [",", ", ", ",  ", ",\t", ",\n", ",\r\n", " ,", "\t,", ", \t\n", ",\n    "]

    @Test func shortIntegersInEveryLaneAndAtEveryOffsetParseToStrtof() {
        var generator = SplitMix64(state: 1707)
        for (index, separator) in Self.separators.enumerated() {
            for lead in 0..<64 {
                let texts = (0..<120).map { i -> String in
                    if i % 13 == (lead + index) % 13 { return Self.edges[(i + lead + 3 * index) % Self.edges.count] }
                    let digits = Int.random(in: 1...8, using: &generator)
                    let limit = [1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000][digits]
                    let magnitude = Int.random(in: 0..<limit, using: &generator)
                    return (Int.random(in: 0..<4, using: &generator) == 0 ? "-" : "") + String(magnitude)
                }
                let document = String(repeating: " ", count: lead) + "[" + texts.joined(separator: separator) + "]"
                ClientNumberFormsTests.expectStrtofOnEveryPath(
                    document, texts: texts, shape: [texts.count], case: "separator \(index), lead \(lead)")
            }
        }
    }

    /// Random gaps around each comma (0–3 bytes of space, tab, CR, LF), so that spans of 1–12
    /// bytes meet in every group: each group of eight that holds a longer one goes four at a time.
    @Test func randomGapsAroundEachCommaParseToStrtof() {
        var generator = SplitMix64(state: 1708)
        let whitespace = [" ", "\t", "\r", "\n"]
        for round in 0..<200 {
            func gap() -> String {
                let length = Int.random(in: 0...3, using: &generator)
                return (0..<length).map { _ in whitespace.randomElement(using: &generator)! }.joined()
            }
            var document = String(repeating: " ", count: round % 64) + "[" + gap()
            var texts: [String] = []
            for i in 0..<Int.random(in: 1...300, using: &generator) {
                if i > 0 { document += gap() + "," + gap() }
                let text =
                    Int.random(in: 0..<20, using: &generator) == 0
                    ? Self.edges.randomElement(using: &generator)!
                    : (Bool.random(using: &generator) ? "-" : "") + String(Int.random(in: 0...99_999, using: &generator))
                texts.append(text)
                document += text
            }
            document += gap() + "]"
            ClientNumberFormsTests.expectStrtofOnEveryPath(
                document, texts: texts, shape: [texts.count], case: "round \(round)")
        }
    }

    /// Malformed integers and spans at each of 16 places in a row (every lane of a group of
    /// eight, in either group of four), after either separator and at several offsets against
    /// the blocks: an error, the same case at the same place on every path.
    @Test func malformedIntegersInEveryLaneOfEight() {
        let malformed = [
            "01", "-01", "00", "-00", "007", "- 1", "--1", "1-", "-1-", "1 2", "-", "1a", "+1", "1.", "0x1", "1e", ".5",
            "1,", "٣", "null", "\u{7F}1", "1\u{0B}"
        ]
        let filler = (0..<48).map { String($0 * 37 % 256) }
        for element in malformed {
            for separator in [",", ", "] {
                for lane in 0..<16 {
                    for lead in [0, 5, 33] {
                        var texts = filler
                        texts.insert(element, at: 24 + lane)
                        let row = "[" + texts.joined(separator: separator) + "]"
                        let document = String(repeating: " ", count: lead) + row
                        guard case .error = TensorFastPathTests.expectAgreement(document) else {
                            Issue.record("\(element) in lane \(lane) after \"\(separator)\" was accepted")
                            continue
                        }
                    }
                }
            }
        }
    }

    /// Rows of short integers mutated at random (bytes replaced, inserted, removed): whatever
    /// happens, every path gives the same tensor or the same error.
    @Test func mutatedIntegerRowsAgreeOnEveryPath() {
        let interesting = Array("[],-+.e0123456789 \t\r\n".utf8)
        var generator = SplitMix64(state: 1709)
        for round in 0..<600 {
            let texts = (0..<Int.random(in: 20...200, using: &generator)).map { _ in
                let sign = Int.random(in: 0..<5, using: &generator) == 0 ? "-" : ""
                return sign + String(Int.random(in: 0...9_999_999, using: &generator))
            }
            let separator = Self.separators[round % Self.separators.count]
            let row = Array(("[[" + texts.joined(separator: separator) + "]]").utf8)
            let document = mutated(row, from: interesting, using: &generator)
            _ = TensorFastPathTests.expectAgreement(String(decoding: document, as: UTF8.self))
        }
    }
}
