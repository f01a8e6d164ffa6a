import Testing
@testable import JSON

/// The AVX2 kernel's integer parser (`parse_four_integers`) takes rows of `-?D…D` spans (pixel
/// values, counts) four at a time from the bytes that end at each separator. Integer rows with
/// every separator clients write, integers of 1–15 digits and the lengths past it, signs and
/// zeros, at every offset of a block, and malformed integers in every lane of a group: the
/// values are `Float(text)`'s and every path agrees.
struct IntegerRowsTests {
    static let edges = [
        "0", "-0", "7", "-7", "255", "16777217", "-16777219", "999999999999999", "-123456789012345",
        "1234567890123456", "12345678901234567890", "100", "10"
    ]

    @Test func integerRowsAtEveryOffsetOfABlock() {
        var generator = SplitMix64(state: 505)
        for (index, separator) in [", ", ",", ",\n    ", " , ", "\t,"].enumerated() {
            for lead in 0..<64 {
                let texts = (0..<150).map { i -> String in
                    if i % 17 == lead % 17 { return Self.edges[(i + lead + index) % Self.edges.count] }
                    return String(Int.random(in: 0...255, using: &generator))
                }
                TensorRowBatchTests.expectRow(texts, lead: lead, separator: separator)
            }
        }
    }

    /// Malformed integers in each lane of a group, amid pixel rows: an error, the same on every
    /// path, never a value.
    @Test func malformedIntegersInEveryLane() {
        let malformed = ["01", "-01", "00", "- 1", "--1", "1-", "1 2", "-", "1a", "+1", "1.", "٣"]
        let filler = (0..<40).map { String($0 * 37 % 256) }
        for element in malformed {
            for lane in 0..<8 {
                var texts = filler
                texts.insert(element, at: 12 + lane)
                let document = "[" + texts.joined(separator: ", ") + "]"
                guard case .error = TensorFastPathTests.expectAgreement(document) else {
                    Issue.record("\(element) in lane \(lane) was accepted")
                    continue
                }
            }
        }
    }
}
