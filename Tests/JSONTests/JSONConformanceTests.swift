import Testing
@testable import JSON

/// RFC 8259 grammar, in the spirit of JSONTestSuite: every `n_` case is refused with its
/// exact reason and place, every `y_` case parses to the expected tree.
struct JSONConformanceTests {
    static let invalid: [(String, JSONError)] = [
        ("", .unexpectedEnd(at(0))),
        ("   ", .unexpectedEnd(at(3))),
        ("[1,]", .trailingComma(at(3))),
        ("{\"a\":1,}", .trailingComma(at(7))),
        ("[1,,2]", .unexpectedByte(UInt8(ascii: ","), expected: .value, at(3))),
        ("[1 2]", .unexpectedByte(UInt8(ascii: "2"), expected: .commaOrArrayEnd, at(3))),
        ("{\"a\":1 \"b\":2}", .unexpectedByte(UInt8(ascii: "\""), expected: .commaOrObjectEnd, at(7))),
        ("{\"a\" 1}", .unexpectedByte(UInt8(ascii: "1"), expected: .colon, at(5))),
        ("{1:1}", .unexpectedByte(UInt8(ascii: "1"), expected: .key, at(1))),
        ("{'a':1}", .unexpectedByte(UInt8(ascii: "'"), expected: .key, at(1))),
        ("['a']", .unexpectedByte(UInt8(ascii: "'"), expected: .value, at(1))),
        ("[01]", .leadingZero(at(1))),
        ("-012", .leadingZero(at(0))),
        ("00", .leadingZero(at(0))),
        ("1.", .unexpectedEnd(at(2))),
        ("1.e5", .unexpectedByte(UInt8(ascii: "e"), expected: .digit, at(2))),
        (".5", .unexpectedByte(UInt8(ascii: "."), expected: .value, at(0))),
        ("+1", .unexpectedByte(UInt8(ascii: "+"), expected: .value, at(0))),
        ("-", .unexpectedEnd(at(1))),
        ("-a", .unexpectedByte(UInt8(ascii: "a"), expected: .digit, at(1))),
        ("1e", .unexpectedEnd(at(2))),
        ("1e+", .unexpectedEnd(at(3))),
        ("0x10", .trailingData(at(1))),
        ("NaN", .unexpectedByte(UInt8(ascii: "N"), expected: .value, at(0))),
        ("-Infinity", .unexpectedByte(UInt8(ascii: "I"), expected: .digit, at(1))),
        ("[1e400]", .numberOutOfRange(at(1))),
        ("-1e999999999999999999", .numberOutOfRange(at(0))),
        ("tru", .unexpectedEnd(at(3))),
        ("trux", .unexpectedByte(UInt8(ascii: "x"), expected: .value, at(3))),
        ("nul", .unexpectedEnd(at(3))),
        ("True", .unexpectedByte(UInt8(ascii: "T"), expected: .value, at(0))),
        ("[1]x", .trailingData(at(3))),
        ("{} {}", .trailingData(at(3))),
        ("/* no */ 1", .unexpectedByte(UInt8(ascii: "/"), expected: .value, at(0))),
        ("[1", .unexpectedEnd(at(2))),
        ("{\"a\":", .unexpectedEnd(at(5))),
        ("\"abc", .unexpectedEnd(at(4))),
        ("\"a\u{01}\"", .controlCharacterInString(0x01, at(2))),
        ("\"a\tb\"", .controlCharacterInString(0x09, at(2))),
        ("\"a\nb\"", .controlCharacterInString(0x0A, at(2))),
        ("\"\\x\"", .invalidEscape(UInt8(ascii: "x"), at(2))),
        ("\"\\'\"", .invalidEscape(UInt8(ascii: "'"), at(2))),
        ("\"\\u12G4\"", .unexpectedByte(UInt8(ascii: "G"), expected: .hexDigit, at(5))),
        ("\"\\uD800\"", .loneSurrogate(0xD800, at(1))),
        ("\"\\uDC00\"", .loneSurrogate(0xDC00, at(1))),
        ("\"\\uD800\\u0041\"", .loneSurrogate(0xD800, at(1))),
        ("\"\\uD800\\uD800\"", .loneSurrogate(0xD800, at(1))),
        ("{\"a\":1,\"a\":2}", .duplicateKey("a", at(7))),
        ("{\"a\":{\"b\":1,\"b\":1}}", .duplicateKey("b", at(12))),
        ("\u{FEFF}{}", .unexpectedByte(0xEF, expected: .value, at(0))),
        ("[\u{A0}]", .unexpectedByte(0xC2, expected: .value, at(1)))
    ]

    @Test(arguments: invalid)
    func refusesInvalidDocumentWithReasonAndPlace(text: String, expected: JSONError) {
        #expect(parseError(text) == expected, "\(text.debugDescription)")
    }

    static let invalidUTF8: [[UInt8]] = [
        [0x22, 0xC0, 0x80, 0x22],  // overlong NUL
        [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong '/'
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8-encoded surrogate
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
        [0x22, 0xE2, 0x82, 0x22],  // truncated sequence
        [0x22, 0x80, 0x22],  // lone continuation byte
        [0x22, 0xFF, 0x22],  // never valid
        [0x22, 0xF0, 0x9F, 0x98]  // truncated at the end of input
    ]

    @Test(arguments: invalidUTF8)
    func refusesMalformedUTF8InStrings(bytes: [UInt8]) {
        #expect(parseError(bytes) == .invalidUTF8(at(1)))
    }

    static let valid: [(String, JSONValue)] = [
        ("[]", .array([])),
        ("{}", .object([:])),
        (" \t\r\n[ [ ] ] \n", .array([.array([])])),
        ("0", .number(0)),
        ("-0.5", .number(-0.5)),
        ("1E+2", .number(100)),
        ("1e-2", .number(0.01)),
        ("123.456e-7", .number(123.456e-7)),
        ("1e-400", .number(0)),
        ("12345678901234567890", .number(12_345_678_901_234_567_168)),
        ("0.1000000000000000055511151231257827", .number(0.1)),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("null", .null),
        ("\"\"", .string("")),
        ("\"\\u00e9\\u00E9é\"", .string("ééé")),
        ("\"\\uD834\\uDD1E\"", .string("𝄞")),
        ("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", .string("\"\\/\u{08}\u{0C}\n\r\t")),
        ("\"a\\u0000b\"", .string("a\u{0}b")),
        ("\"日本語 🎉\"", .string("日本語 🎉")),
        ("\"\u{7F}\"", .string("\u{7F}")),
        (
            "{\"a\": [1, {\"b\": null}], \"c\": {\"\": \"x\"}}",
            .object(["a": .array([.number(1), .object(["b": .null])]), "c": .object(["": .string("x")])])
        )
    ]

    @Test(arguments: valid)
    func parsesValidDocument(text: String, expected: JSONValue) throws {
        #expect(try JSONValue(parsing: text) == expected, "\(text.debugDescription)")
    }

    @Test(arguments: invalid)
    func refusesTheSameFromBorrowedMemory(text: String, expected: JSONError) {
        let bytes = Array(text.utf8)
        let error = bytes.withUnsafeBytes { buffer -> JSONError? in
            do throws(JSONError) {
                _ = try JSONValue(parsing: buffer)
                return nil
            } catch {
                return error
            }
        }
        #expect(error == expected, "\(text.debugDescription)")
    }

    @Test(arguments: valid)
    func parsesTheSameFromBorrowedMemory(text: String, expected: JSONValue) throws {
        let bytes = Array(text.utf8)
        #expect(try bytes.withUnsafeBytes { try JSONValue(parsing: $0) } == expected)
    }

    @Test func parsesTensorsFromBorrowedMemory() throws {
        let tensor = Array("[[1, 2], [3, 4]] ".utf8)
        #expect(try tensor.withUnsafeBytes { try JSONFloatTensor(parsing: $0) } == JSONFloatTensor(shape: [2, 2], values: [1, 2, 3, 4]))
        let ragged = Array("[[1, 2], [3]]".utf8)
        #expect(throws: JSONError.raggedArray(index: [1], expected: 2, found: 1, at(11))) {
            try ragged.withUnsafeBytes { try JSONFloatTensor(parsing: $0) }
        }
    }

    @Test func keepsTheSignOfNegativeZero() throws {
        guard case .number(let zero) = try JSONValue(parsing: "-0") else { Issue.record("not a number"); return }
        #expect(zero == 0 && zero.sign == .minus)
    }

    @Test func acceptsNestingUpToTheLimitAndRefusesOneMore() {
        let limit = JSONLimits().maxDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(parseError(deepest) == nil)
        let tooDeep = "[" + deepest + "]"
        #expect(parseError(tooDeep) == .tooDeep(limit: limit, at(limit)))
        let objects = String(repeating: "{\"a\":", count: limit + 1) + "1" + String(repeating: "}", count: limit + 1)
        #expect(parseError(objects) == .tooDeep(limit: limit, at(5 * limit)))
    }

    @Test func refuses100000NestedArraysWithoutExhaustingTheStack() {
        let hostile = String(repeating: "[", count: 100_000)
        #expect(parseError(hostile) == .tooDeep(limit: 512, at(512)))
    }

    @Test func refusesDocumentsOverTheSizeLimitBeforeReading() {
        let limits = JSONLimits(maxBytes: 4)
        #expect(parseError("[1,2]", limits: limits) == .documentTooLarge(size: 5, limit: 4))
        #expect(parseError("[12]", limits: limits) == nil)
    }

    @Test func reportsLineAndColumnOnLaterLines() {
        let text = "{\n  \"a\": tru\n}"
        let expected = JSONError.unexpectedByte(0x0A, expected: .value, JSONLocation(offset: 12, line: 2, column: 11))
        #expect(parseError(text) == expected)
    }

    @Test func describesErrorsAsSentencesWithTheirPlace() {
        let error = parseError("[1,\n 2 3]")
        #expect(error?.description == "line 2, column 4 (byte 7): expected ',' or ']' but found '3'")
        #expect(parseError("\"\u{01}\"")?.reason == "control character byte 0x01 must be escaped inside a string")
        #expect(
            JSONError.documentTooLarge(size: 10, limit: 5).description
                == "the JSON document has 10 bytes, more than the limit of 5")
    }
}
