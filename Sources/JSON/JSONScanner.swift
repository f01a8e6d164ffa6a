/// The byte-level cursor under ``JSONReader``: a position in a borrowed buffer and the
/// grammar's small steps.
///
/// It exists so that the hot loops index an `UnsafeBufferPointer` (no bounds checks in
/// release, no retain/release), while the public reader keeps owning a safe `[UInt8]`.
/// A scanner never outlives the `withUnsafeBufferPointer` call that created it.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int) {
        self.bytes = bytes
        self.position = position
    }

    var isAtEnd: Bool { position >= bytes.count }

    func location(_ offset: Int) -> JSONLocation { JSONLocation(offset: offset, in: bytes) }

    /// Skips the four whitespace bytes of RFC 8259 §2 (space, tab, LF, CR) and nothing else.
    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    /// Skips whitespace and returns the next byte without consuming it.
    @inline(__always)
    mutating func peekByte() throws(JSONError) -> UInt8 {
        skipWhitespace()
        guard position < bytes.count else { throw .unexpectedEnd(location(position)) }
        return bytes[position]
    }

    /// The error for the byte at `position`, or for the end of the input.
    func unexpected(_ expected: JSONExpectation) -> JSONError {
        guard position < bytes.count else { return .unexpectedEnd(location(position)) }
        return .unexpectedByte(bytes[position], expected: expected, location(position))
    }

    /// Consumes `byte` after optional whitespace, or throws naming what was expected.
    @inline(__always)
    mutating func expect(_ byte: UInt8, _ expected: JSONExpectation) throws(JSONError) {
        guard try peekByte() == byte else { throw unexpected(expected) }
        position += 1
    }

    /// Consumes one of `true`, `false`, `null` at `position` and returns it.
    mutating func scanLiteral() throws(JSONError) -> JSONValue {
        let (text, value): (StaticString, JSONValue) =
            switch bytes[position] {
            case UInt8(ascii: "t"): ("true", .bool(true))
            case UInt8(ascii: "f"): ("false", .bool(false))
            default: ("null", .null)
            }
        for index in 0..<text.utf8CodeUnitCount {
            guard position < bytes.count else { throw .unexpectedEnd(location(position)) }
            guard bytes[position] == text.utf8Start[index] else { throw unexpected(.value) }
            position += 1
        }
        return value
    }

    /// After an element of an array: consumes `,` (then returns true) or `]` (returns false).
    /// A `]` right after the comma is a trailing comma.
    @inline(__always)
    mutating func scanArraySeparator() throws(JSONError) -> Bool {
        switch try peekByte() {
        case UInt8(ascii: ","):
            position += 1
            if try peekByte() == UInt8(ascii: "]") { throw .trailingComma(location(position)) }
            return true
        case UInt8(ascii: "]"):
            position += 1
            return false
        default:
            throw unexpected(.commaOrArrayEnd)
        }
    }

    /// After a member of an object: consumes `,` (then returns true) or `}` (returns false).
    mutating func scanObjectSeparator() throws(JSONError) -> Bool {
        switch try peekByte() {
        case UInt8(ascii: ","):
            position += 1
            if try peekByte() == UInt8(ascii: "}") { throw .trailingComma(location(position)) }
            return true
        case UInt8(ascii: "}"):
            position += 1
            return false
        default:
            throw unexpected(.commaOrObjectEnd)
        }
    }

    /// Consumes `"key" :` and returns the key and the offset where it started.
    mutating func scanKey() throws(JSONError) -> (key: String, offset: Int) {
        guard try peekByte() == UInt8(ascii: "\"") else { throw unexpected(.key) }
        let offset = position
        let key = try scanString()
        try expect(UInt8(ascii: ":"), .colon)
        return (key, offset)
    }

    /// Checks that only whitespace remains.
    mutating func expectEndOfDocument() throws(JSONError) {
        skipWhitespace()
        guard isAtEnd else { throw .trailingData(location(position)) }
    }

    /// Whether `byte` can start a number: `-` or a digit.
    @inline(__always)
    static func isNumberStart(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || (byte &- UInt8(ascii: "0")) < 10
    }
}
