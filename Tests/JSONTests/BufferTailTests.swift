import Testing
@testable import JSON

/// The AVX2 kernel reads the last 96 bytes of a buffer from a copy followed by spaces (its
/// batches would read past the end): rows that end there, at every distance from the end, and
/// documents cut off anywhere in them give the same values and errors on every path.
struct BufferTailTests {
    /// Rows of each kind the kernel reads differently: short compact, Python's float32 repr
    /// after `, `, pretty-printing, integers (after `, ` and compact), exponent forms.
    static let rows: [String] = [
        (0..<30).map { "0.\(1000 + $0 * 37)" }.joined(separator: ","),
        (0..<20).map { "\($0 % 3 == 0 ? "-" : "")0.\(13210485875606537 + $0 * 7919)" }.joined(separator: ", "),
        (0..<12).map { "\n      \($0 % 2 == 0 ? "-" : "")1.\(3210485875606537 + $0)" }.joined(separator: ","),
        (0..<40).map { "\(($0 * 37) % 256)" }.joined(separator: ", "),
        // Compact integers of 1–8 digits, some negative: the eight-at-a-time integer parser's.
        (0..<40).map { "\($0 % 3 == 0 ? "-" : "")\(($0 * 7919 * 7919) % 100_000_000 / [1, 10, 1000, 100_000][$0 % 4])" }
            .joined(separator: ","),
        (0..<20).map { "\($0 % 2 == 0 ? "-" : "")\($0 % 9 + 1).\(999999747378752 - $0)e-0\($0 % 7 + 1)" }
            .joined(separator: ", ")
    ]

    @Test(arguments: 0..<rows.count)
    func rowsEndingAtEveryDistanceFromTheEndAgree(rowIndex: Int) {
        let row = Self.rows[rowIndex]
        for trailing in 0..<100 {
            let document = "[[" + row + "]]" + String(repeating: " ", count: trailing)
            #expect(TensorFastPathTests.expectAgreement(document).shape != nil, "trailing \(trailing)")
        }
    }

    @Test(arguments: 0..<rows.count)
    func documentsCutAnywhereAgree(rowIndex: Int) {
        let document = Array(("[[" + Self.rows[rowIndex] + "]]").utf8)
        for cut in 1..<document.count {
            _ = TensorFastPathTests.expectAgreement(String(decoding: document[..<cut], as: UTF8.self))
        }
    }
}
