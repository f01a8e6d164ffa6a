import Testing
@testable import JSON

/// The three number parsers of tensor rows (``TensorFastPath``) agree on everything: values
/// bit for bit, and every error's case, index and position, including inside long rows where
/// the vector kernel is running when it meets the problem.
struct TensorFastPathTests {
    static let paths: [TensorFastPath] = [.vector, .avx2Vector, .ssse3Vector, .baselineVector, .swift, .general]

    /// The outcome on every path, which must be one and the same.
    static func expectAgreement(
        _ document: String, limits: JSONLimits = JSONLimits(), sourceLocation: SourceLocation = #_sourceLocation
    ) -> TensorOutcome {
        let outcomes = paths.map { TensorOutcome(tensorResult(document, fastPath: $0, limits: limits)) }
        for (path, outcome) in zip(paths, outcomes).dropLast() {
            #expect(outcome == outcomes.last!, "\(path) vs general on \(document.prefix(200))", sourceLocation: sourceLocation)
        }
        return outcomes.last!
    }

    /// 40 ordinary numbers: enough that the kernel is mid-row when it reaches what follows.
    static let row = (0..<40).map { "0.\(1000 + $0 * 37)" }.joined(separator: ",")

    /// Elements that stop the kernel, each at index 40 of a long row, with the error the
    /// general path gives (offsets relative to the element's start).
    static let refusedElements: [(String, @Sendable (Int) -> JSONError)] = [
        ("01.5", { .leadingZero(at($0)) }),
        ("-01.5", { .leadingZero(at($0)) }),
        ("1.", { .unexpectedByte(UInt8(ascii: ","), expected: .digit, at($0 + 2)) }),
        ("1.e5", { .unexpectedByte(UInt8(ascii: "e"), expected: .digit, at($0 + 2)) }),
        ("1.5e", { .unexpectedByte(UInt8(ascii: ","), expected: .digit, at($0 + 4)) }),
        ("1.5e+", { .unexpectedByte(UInt8(ascii: ","), expected: .digit, at($0 + 5)) }),
        ("-", { .unexpectedByte(UInt8(ascii: ","), expected: .digit, at($0 + 1)) }),
        ("-.5", { .unexpectedByte(UInt8(ascii: "."), expected: .digit, at($0 + 1)) }),
        ("+1.5", { .unexpectedByte(UInt8(ascii: "+"), expected: .number, at($0)) }),
        (".5", { .unexpectedByte(UInt8(ascii: "."), expected: .number, at($0)) }),
        ("1.5.3", { .unexpectedByte(UInt8(ascii: "."), expected: .commaOrArrayEnd, at($0 + 3)) }),
        ("0.12a4", { .unexpectedByte(UInt8(ascii: "a"), expected: .commaOrArrayEnd, at($0 + 4)) }),
        ("0.5 0.5", { .unexpectedByte(UInt8(ascii: "0"), expected: .commaOrArrayEnd, at($0 + 4)) }),
        ("1.5e5e5", { .unexpectedByte(UInt8(ascii: "e"), expected: .commaOrArrayEnd, at($0 + 5)) }),
        ("null", { .notANumber(index: [40], at($0)) }),
        ("\"0.5\"", { .notANumber(index: [40], at($0)) }),
        ("[0.5]", { .inconsistentNesting(index: [40], at($0)) }),
        ("4e38", { .elementOutOfRange(index: [40], at($0)) }),
        ("-3.5e38", { .elementOutOfRange(index: [40], at($0)) }),
        ("NaN", { .unexpectedByte(UInt8(ascii: "N"), expected: .number, at($0)) })
    ]

    @Test(arguments: 0..<refusedElements.count)
    func errorsInsideLongRowsKeepTheirCaseAndPlace(caseIndex: Int) {
        let (element, error) = Self.refusedElements[caseIndex]
        let prefix = "[" + Self.row + ","
        let document = prefix + element + "," + Self.row + "]"
        #expect(Self.expectAgreement(document) == .error(error(prefix.utf8.count)), "\(element)")
    }

    @Test func trailingCommaAndMissingEndInsideLongRows() {
        let document = "[" + Self.row + ",]"
        #expect(Self.expectAgreement(document) == .error(.trailingComma(at(document.utf8.count - 1))))
        let open = "[" + Self.row + "," + Self.row
        #expect(Self.expectAgreement(open) == .error(.unexpectedEnd(at(open.utf8.count))))
        let comma = "[" + Self.row + ","
        #expect(Self.expectAgreement(comma) == .error(.unexpectedEnd(at(comma.utf8.count))))
    }

    /// Whitespace between a long row's last number and its `]` (pretty-printing's line break and
    /// indentation), with a trailing comma or a stray byte before it: every path agrees.
    @Test func whitespaceBeforeTheEndOfLongRows() {
        let long = (0..<40).map { "\n      -0.\(13210485875606537 + $0 * 7919)" }.joined(separator: ",")
        for row in [Self.row, long] {
            for ending in ["\n    ]", " ]", "\t\r\n ]", ",\n    ]", " x ]", "\n    ,]", " -]", " 1]"] {
                for trailing in ["", "\n  ]", ", [" + row + "]]"] {
                    let document = "[[" + row + ending + trailing + (trailing.isEmpty ? "]" : "")
                    _ = Self.expectAgreement(document)
                }
            }
        }
    }

    /// Whitespace runs of every length up to past a block before and after numbers of Python's
    /// float32 rows (the leading-digits parser takes up to 14 bytes of it before a token, and
    /// spans up to 63 bytes), with and without exponents: the values and errors agree.
    @Test func longWhitespaceRunsInsideLeadingDigitRows() {
        let numbers = (0..<40).map { "-0.\(13210485875606537 + $0 * 7919)" + ($0 % 7 == 3 ? "e-0\($0 % 9 + 1)" : "") }
        for length in [13, 14, 15, 16, 17, 31, 32, 47, 48, 49, 60, 62, 63, 64, 65, 70, 130] {
            let gap = String(repeating: " ", count: length - 1) + "\n"
            for index in [12, 13, 14, 15, 16] {
                var before = numbers
                before[index] = gap + before[index]
                var after = numbers
                after[index] += gap
                for texts in [before, after] {
                    let document = "[[" + texts.joined(separator: ", ") + "]]"
                    let expected = TensorOutcome.tensor(
                        shape: [1, 40], bits: numbers.map { Float($0)!.bitPattern })
                    #expect(Self.expectAgreement(document) == expected, "run of \(length) at \(index)")
                }
            }
        }
        // Tokens longer than a span the parser reads: a stray byte in their middle is an error.
        for length in [40, 64, 70, 80, 100] {
            for stray in [20, 30, 40] where stray < length - 2 {
                var bytes = Array(("1." + String(repeating: "0", count: length - 2)).utf8)
                bytes[stray] = UInt8(ascii: "x")
                var texts = numbers
                texts[14] = String(decoding: bytes, as: UTF8.self)
                guard case .error = Self.expectAgreement("[[" + texts.joined(separator: ", ") + "]]") else {
                    Issue.record("a \(length)-byte token with a stray byte at \(stray) was accepted")
                    continue
                }
            }
        }
    }

    @Test func raggedRowsAndElementLimitInsideLongRows() {
        let ragged = "[[" + Self.row + "],[" + Self.row + ",0.5]]"
        #expect(Self.expectAgreement(ragged) == .error(.raggedArray(index: [1], expected: 40, found: 41, at(ragged.utf8.count - 2))))
        // The limit is passed by the 101st number, in the middle of the third row.
        let rows = "[" + Array(repeating: "[" + Self.row + "]", count: 3).joined(separator: ",") + "]"
        let limits = JSONLimits(maxTensorElements: 100)
        let rowBytes = Self.row.utf8.count + 2  // "[…]"
        let afterHundredFirst = 1 + 2 * (rowBytes + 1) + 1 + (0..<21).map { "0.\(1000 + $0 * 37)".utf8.count + 1 }.reduce(0, +) - 1
        #expect(Self.expectAgreement(rows, limits: limits) == .error(.tooManyElements(limit: 100, at(afterHundredFirst))))
        #expect(Self.expectAgreement(rows, limits: JSONLimits(maxTensorElements: 120)) != .error(.tooManyElements(limit: 120, at(0))))
    }

    /// Numbers go to `values` in blocks of 1024: the limit is enforced at the same element
    /// wherever it falls against a block, and `Int.max` (no limit) does not overflow.
    @Test func elementLimitAtBlockEdgesAndWithoutLimit() {
        let numbers = (0..<2100).map { "0.\(100 + $0 % 900)" }
        let document = "[" + numbers.joined(separator: ",") + "]"
        for limit in [0, 1, 1023, 1024, 1025, 2047, 2048, 2099, 2100, Int.max] {
            let outcome = Self.expectAgreement(document, limits: JSONLimits(maxTensorElements: limit))
            if limit >= numbers.count {
                #expect(outcome.shape == [2100], "limit \(limit)")
            } else {
                // Just after the first number past the limit, the one at index `limit`.
                let end = 1 + numbers[...limit].map(\.utf8.count).reduce(0, +) + limit
                #expect(outcome == .error(.tooManyElements(limit: limit, at(end))), "limit \(limit)")
            }
        }
    }

    /// Whitespace anywhere between numbers and brackets, and the kernel's own shapes next to
    /// ones it refuses (integers, exponents, long fractions), all mixed in one tensor.
    @Test func separatorsAndMixedShapesGiveTheSameTensor() {
        let numbers = [
            "0.5", "-1.25", "3", "-0.0", "12.5", "1e-3", "7.0E+2", "0.0013113022", "1.2345678901234567",
            "9.75e-5", "-3.0517578e-5", "100", "0.333333333333", "1.0"
        ]
        let separators = [",", ", ", " ,", ",\n  ", "\t,\t", "\r\n,\r\n", " , "]
        var generator = SplitMix64(state: 77)
        for _ in 0..<200 {
            var document = "["
            let rows = Int.random(in: 1...4, using: &generator)
            let columns = Int.random(in: 1...60, using: &generator)
            for row in 0..<rows {
                document += (row == 0 ? "" : separators.randomElement(using: &generator)!) + "["
                for column in 0..<columns {
                    if column > 0 { document += separators.randomElement(using: &generator)! }
                    document += numbers.randomElement(using: &generator)!
                }
                document += Bool.random(using: &generator) ? "]" : " ]"
            }
            document += "]"
            guard case .tensor(let shape, let bits) = Self.expectAgreement(document) else {
                Issue.record("refused: \(document)")
                continue
            }
            #expect(shape == [rows, columns])
            #expect(bits.count == rows * columns)
        }
    }

    /// Random mutations of a long valid tensor: whatever happens, all paths agree.
    @Test func mutatedDocumentsGiveTheSameOutcomeOnEveryPath() {
        let original = Array(("[[" + Self.row + "],[" + Self.row + "]]").utf8)
        let interesting = Array("[],.-+eE0123456789 \n\"n".utf8)
        var generator = SplitMix64(state: 91)
        for _ in 0..<3_000 {
            let bytes = mutated(original, from: interesting, using: &generator)
            _ = Self.expectAgreement(String(decoding: bytes, as: UTF8.self))
        }
    }
}
