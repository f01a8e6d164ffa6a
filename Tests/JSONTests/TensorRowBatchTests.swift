import Testing
@testable import JSON

/// The AVX2 row kernel lists a row's separators 64 bytes at a time, up to 1 KiB a batch,
/// parses the numbers between them four at a time by the row's kind (compact short numbers,
/// short spans, long spans; span by span when none fits), and leaves the buffer's last 32
/// bytes to the 16-byte kernel. These tests put numbers, errors and row ends at every offset
/// against those blocks, batches and groups of four, and expect Float(String)'s bits and the
/// same outcome on every path (``TensorFastPathTests/expectAgreement(_:limits:sourceLocation:)``).
struct TensorRowBatchTests {
    /// Shapes the batch takes (1–13 fraction digits, either sign, zeros) and ones it hands to
    /// the 16-byte kernel or to Swift (14 fraction digits, exponents, integers, two integer
    /// digits).
    static let shapes = [
        "0.5", "-0.25", "0.0", "-0.0", "0.123456789", "-9.87654321", "1.2345678901234", "-1.2345678901234",
        "0.12345678901234", "3.4e-05", "-1.2345678e-05", "12.5", "7", "-0.63951874",
        // As Python, numpy and JavaScript clients write them: 16–17 significant digits (after
        // leading zeros too), exponents in every form, integers, negative zero.
        "-0.13210485875606537", "0.0012345678901234567", "9.999999747378752e-06", "3.5E+2", "1e-05", "-0", "123",
        "-1.106882929801941", "0.375642329454422", "1.5e-7"
    ]

    /// `texts` as one row after `lead` spaces, with `separator`: every value must be
    /// Float(text)'s, and every path must agree.
    static func expectRow(
        _ texts: [String], lead: Int, separator: String = ",", sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let document = String(repeating: " ", count: lead) + "[" + texts.joined(separator: separator) + "]"
        let outcome = TensorFastPathTests.expectAgreement(document, sourceLocation: sourceLocation)
        let expected = TensorOutcome.tensor(shape: [texts.count], bits: texts.map { Float($0)!.bitPattern })
        #expect(outcome == expected, "lead \(lead): \(document.prefix(120))", sourceLocation: sourceLocation)
    }

    @Test func everyShapeAtEveryOffsetOfABlock() {
        for lead in 0..<64 {
            for (index, shape) in Self.shapes.enumerated() {
                // About 2 kB: two batches, with the shape in every lane of a group of four.
                let texts = (0..<300).map { i in i % 5 == index % 5 ? shape : "0.\(1000 + i * 37)" }
                Self.expectRow(texts, lead: lead)
            }
        }
    }

    /// Random lengths, so that separators fall everywhere in a block and numbers straddle
    /// 16-, 32- and 64-byte boundaries; now and then whitespace around a comma.
    @Test func randomLengthsStraddleEveryBoundary() {
        var generator = SplitMix64(state: 101)
        for round in 0..<300 {
            let texts = (0..<Int.random(in: 1...200, using: &generator)).map { _ -> String in
                let digits = Int.random(in: 1...15, using: &generator)
                let fraction = (0..<digits).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
                let sign = Bool.random(using: &generator) ? "-" : ""
                return sign + String(Int.random(in: 0...9, using: &generator)) + "." + fraction
            }
            let separator = round % 10 == 0 ? [", ", " ,", ",\n", "\t,\t"][round / 10 % 4] : ","
            Self.expectRow(texts, lead: round % 64, separator: separator)
        }
    }

    /// Documents whose last row ends at the buffer's end, with 1–120 numbers, so that the
    /// batch hands over to the 16-byte kernel (and that to Swift) at every number; closed,
    /// truncated after a number, and truncated after a comma.
    @Test func rowsEndingAtTheBufferEnd() {
        for count in 1...120 {
            let texts = (0..<count).map { i in i % 3 == 0 ? "-0.\(50 + i)" : "0.\(100_000 + i * 7919)" }
            let row = texts.joined(separator: ",")
            Self.expectRow(texts, lead: 0)
            #expect(TensorFastPathTests.expectAgreement("[" + row) == .error(.unexpectedEnd(at(row.utf8.count + 1))))
            #expect(TensorFastPathTests.expectAgreement("[" + row + ",") == .error(.unexpectedEnd(at(row.utf8.count + 2))))
            let nested = "[[" + row + "],[" + row + "]]"
            #expect(TensorFastPathTests.expectAgreement(nested).shape == [2, count])
        }
    }

    /// Every error of ``TensorFastPathTests/refusedElements`` at each lane of a group of four
    /// and at several offsets against the blocks: same case, same position on every path.
    @Test func errorsInEveryLaneAndAtEveryOffset() {
        for (element, error) in TensorFastPathTests.refusedElements {
            for index in 36..<44 {
                for lead in [0, 1, 5, 17, 31, 63] {
                    let prefix =
                        String(repeating: " ", count: lead) + "["
                        + (0..<index).map { "0.\(1000 + $0 * 37)" }.joined(separator: ",") + ","
                    let document = prefix + element + "," + TensorFastPathTests.row + "]"
                    var expected = error(prefix.utf8.count)
                    // The table's errors name element 40; here it is element `index`.
                    if case .notANumber(_, let location) = expected { expected = .notANumber(index: [index], location) }
                    if case .inconsistentNesting(_, let location) = expected {
                        expected = .inconsistentNesting(index: [index], location)
                    }
                    if case .elementOutOfRange(_, let location) = expected {
                        expected = .elementOutOfRange(index: [index], location)
                    }
                    #expect(TensorFastPathTests.expectAgreement(document) == .error(expected), "\(element) at \(index)")
                }
            }
        }
    }

    /// Rows of 100–400 numbers (one to four batches) mixing every shape and some malformed
    /// elements, half of them then mutated at random: whatever happens, every path gives the
    /// same tensor or the same error.
    @Test func mixedAndMutatedLongRowsAgreeOnEveryPath() {
        let shapes =
            Self.shapes + [
                "5.514408e-9", "1.5E+3", "9.99e-39", "4e38", "1.", "-", "01.5", "null", "1.5e", "0.5 0.5",
                "12345678901234567890", "0.00000000000000000001234", "-0.12345678901234567890123", "1e400"
            ]
        let interesting = Array("[],.-+eE0123456789 \n\"n".utf8)
        var generator = SplitMix64(state: 202)
        for round in 0..<400 {
            let texts = (0..<Int.random(in: 100...400, using: &generator)).map { _ -> String in
                Int.random(in: 0..<8, using: &generator) == 0
                    ? shapes.randomElement(using: &generator)! : "0.\(Int.random(in: 1...99_999_999, using: &generator))"
            }
            var document = Array(("[[" + texts.joined(separator: ",") + "]]").utf8)
            if round % 2 == 1 { document = mutated(document, from: interesting, using: &generator) }
            _ = TensorFastPathTests.expectAgreement(String(decoding: document, as: UTF8.self))
        }
    }

    /// Whitespace around commas as clients write it (Python's `", "`, pretty-printing's
    /// newline and indentation, tabs), with long and short numbers, at every offset of a
    /// block: the batch's span path and its fallbacks give `Float(text)` on every path.
    @Test func clientSeparatorsAtEveryOffsetOfABlock() {
        let long = [
            "-0.13210485875606537", "0.375642329454422", "9.999999747378752e-06", "0.0", "-1.106882929801941",
            "123", "0.5", "1e-05", "-0.0012345678901234567"
        ]
        for (index, separator) in [", ", ",\n      ", " , ", "\t,\t", ",\r\n"].enumerated() {
            for lead in 0..<64 {
                let texts = (0..<120).map { i in long[(i + lead + index) % long.count] }
                Self.expectRow(texts, lead: lead, separator: separator)
            }
        }
    }

    /// Python-default rows (`, ` and 17 digits) ending at the buffer's end after 1–80
    /// numbers: closed, truncated after a number, truncated after a comma and a space.
    @Test func clientRowsEndingAtTheBufferEnd() {
        for count in 1...80 {
            let texts = (0..<count).map { i in i % 4 == 0 ? "-0.\(13_210_485_875_606_537 + i * 7919)" : "0.\(375_642_329_454_422 + i)" }
            let row = texts.joined(separator: ", ")
            Self.expectRow(texts, lead: 0, separator: ", ")
            #expect(TensorFastPathTests.expectAgreement("[" + row) == .error(.unexpectedEnd(at(row.utf8.count + 1))))
            #expect(TensorFastPathTests.expectAgreement("[" + row + ", ") == .error(.unexpectedEnd(at(row.utf8.count + 3))))
            let pretty = "[\n  [\n    " + texts.joined(separator: ",\n    ") + "\n  ]\n]"
            #expect(TensorFastPathTests.expectAgreement(pretty).shape == [1, count])
        }
    }

    /// Every error of ``TensorFastPathTests/refusedElements`` inside Python-default rows,
    /// where the batch runs span by span: same case, same position on every path.
    @Test func errorsInsideClientRows() {
        for (element, error) in TensorFastPathTests.refusedElements {
            for index in [1, 2, 37, 38, 39, 40] {
                let prefix = "[" + (0..<index).map { "-0.\(13_210_485_875_606_537 + $0)" }.map { $0 + ", " }.joined()
                let document = prefix + element + ", " + (0..<40).map { "0.\(375_642_329_454_422 + $0)" }.joined(separator: ", ") + "]"
                var expected = error(prefix.utf8.count)
                if case .notANumber(_, let location) = expected { expected = .notANumber(index: [index], location) }
                if case .inconsistentNesting(_, let location) = expected { expected = .inconsistentNesting(index: [index], location) }
                if case .elementOutOfRange(_, let location) = expected { expected = .elementOutOfRange(index: [index], location) }
                #expect(TensorFastPathTests.expectAgreement(document) == .error(expected), "\(element) at \(index)")
            }
        }
    }

    /// Rows of one kind, so that the AVX2 kernel settles on that kind's four-at-a-time parser
    /// (short spans after `, `: integers and short decimals; long spans: Python's 17-digit
    /// float32 forms, positional decimals of 15–19 significant digits, the limits of 19 digits
    /// and 2⁶³ and one past them) at every offset of a block.
    @Test func rowsOfOneKindAtEveryOffsetOfABlock() {
        var generator = SplitMix64(state: 303)
        let short = (0..<200).map { i -> String in
            if i % 3 == 0 { return String(Int.random(in: -999...9999, using: &generator)) }
            let fraction = String(Int.random(in: 0...999_999, using: &generator))
            return (Bool.random(using: &generator) ? "-" : "") + String(Int.random(in: 0...20, using: &generator)) + "."
                + String(repeating: "0", count: 6 - fraction.count) + fraction
        }
        let python = (0..<200).map { _ -> String in
            let value = Float.random(in: 1e-3...9.9, using: &generator) * (Bool.random(using: &generator) ? 1 : -1)
            return ClientNumberFormsTests.Form.pythonDouble.text(value)
        }
        let limits = [
            "1234567890123456789", "9223372036854775807", "9223372036854775808", "9999999999999999999",
            "12345678901234567890", "0.0001234567890123456789", "0.00012345678901234567891", "-0.0000000000000000000",
            "123456789.0123456789", "1.000000000000000000"
        ]
        let long = (0..<200).map { i -> String in
            if i % 10 == 0 { return limits[i / 10 % limits.count] }
            let digits = (0..<Int.random(in: 15...19, using: &generator)).map { _ in String(Int.random(in: 0...9, using: &generator)) }
            let point = Int.random(in: 1..<digits.count, using: &generator)
            let integer = String(Int(digits[..<point].joined())!)  // no leading zeros
            return integer + "." + digits[point...].joined()
        }
        for lead in 0..<64 {
            Self.expectRow(short, lead: lead, separator: ", ")
            Self.expectRow(python, lead: lead, separator: ", ")
            Self.expectRow(python, lead: lead, separator: ",\n      ")
            Self.expectRow(long, lead: lead, separator: ", ")
        }
    }
}
