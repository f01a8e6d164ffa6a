/// Where in a document something happened: a byte offset and the line and column a person
/// sees in an editor.
///
/// Lines and columns start at 1 and count bytes (not characters), because the reader works on
/// UTF-8 bytes and a byte column is what `cut -b` and most editors' status bars agree on for
/// ASCII, which JSON structure always is.
public struct JSONLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Zero-based byte offset into the document.
    public let offset: Int
    /// One-based line number (lines end with LF).
    public let line: Int
    /// One-based byte column within the line.
    public let column: Int

    /// A location from its parts (tests and callers that report their own errors).
    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// Computes the line and column of `offset` by counting line feeds before it.
    ///
    /// Only called when an error is thrown, so the O(offset) scan costs nothing on success.
    init(offset: Int, in bytes: UnsafeBufferPointer<UInt8>) {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        var index = 0
        while index < end {
            if bytes[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        self.init(offset: offset, line: line, column: offset - lineStart + 1)
    }

    public var description: String { "line \(line), column \(column) (byte \(offset))" }
}

/// What the reader expected when it met something else.
public enum JSONExpectation: String, Sendable, Equatable {
    case value = "a value"
    case key = "a string key"
    case colon = "':'"
    case commaOrArrayEnd = "',' or ']'"
    case commaOrObjectEnd = "',' or '}'"
    case digit = "a digit"
    case hexDigit = "a hexadecimal digit"
    case array = "an array"
    case object = "an object"
    case string = "a string"
    case number = "a number"
    case bool = "true or false"
    case endOfDocument = "the end of the document"
}

/// Why a JSON document was refused. Every case carries the location of the offending byte.
///
/// `description` is a sentence a person can act on, e.g.
/// "line 3, column 7 (byte 41): expected ',' or ']' but found '}'".
public enum JSONError: Error, Sendable, Equatable {
    /// The document ended inside a value (or was empty).
    case unexpectedEnd(JSONLocation)
    /// A byte that the grammar does not allow here.
    case unexpectedByte(UInt8, expected: JSONExpectation, JSONLocation)
    /// A comma followed by `]` or `}`: RFC 8259 §5 and §4 allow none.
    case trailingComma(JSONLocation)
    /// A number with a leading zero such as `012` (RFC 8259 §6).
    case leadingZero(JSONLocation)
    /// A number whose magnitude does not fit the target type (Double, or Float for tensors).
    case numberOutOfRange(JSONLocation)
    /// A raw control character (U+0000–U+001F) inside a string; it must be escaped (§7).
    case controlCharacterInString(UInt8, JSONLocation)
    /// A backslash followed by something other than `"\/bfnrtu`.
    case invalidEscape(UInt8, JSONLocation)
    /// A UTF-16 surrogate escape without its partner, e.g. `"\uD800"`.
    case loneSurrogate(UInt16, JSONLocation)
    /// Bytes that are not well-formed UTF-8 (RFC 8259 §8.1).
    case invalidUTF8(JSONLocation)
    /// The same key twice in one object; RFC 8259 §4 leaves it undefined, we refuse it.
    case duplicateKey(String, JSONLocation)
    /// More nested arrays and objects than the limit.
    case tooDeep(limit: Int, JSONLocation)
    /// The document is bigger than the limit; nothing was read.
    case documentTooLarge(size: Int, limit: Int)
    /// Something other than whitespace after the top-level value.
    case trailingData(JSONLocation)
    /// A tensor's sub-array whose length differs from the first one at the same depth.
    /// `index` names the ragged sub-array, e.g. `[3]` for the fourth row.
    case raggedArray(index: [Int], expected: Int, found: Int, JSONLocation)
    /// A tensor element that is an array where a number was expected, or the reverse.
    case inconsistentNesting(index: [Int], JSONLocation)
    /// A tensor element that is not a number (a string, null, bool or object).
    case notANumber(index: [Int], JSONLocation)
    /// A tensor element outside Float's finite range (e.g. `1e39`).
    case elementOutOfRange(index: [Int], JSONLocation)
    /// A tensor with more elements than the limit.
    case tooManyElements(limit: Int, JSONLocation)

    /// Where the problem is, when the error has a location.
    public var location: JSONLocation? {
        switch self {
        case .unexpectedEnd(let l), .trailingComma(let l), .leadingZero(let l),
            .numberOutOfRange(let l), .invalidUTF8(let l), .trailingData(let l):
            return l
        case .unexpectedByte(_, _, let l), .controlCharacterInString(_, let l),
            .invalidEscape(_, let l), .loneSurrogate(_, let l), .duplicateKey(_, let l),
            .tooDeep(_, let l), .raggedArray(_, _, _, let l), .inconsistentNesting(_, let l),
            .notANumber(_, let l), .elementOutOfRange(_, let l), .tooManyElements(_, let l):
            return l
        case .documentTooLarge:
            return nil
        }
    }
}
