/// A pull reader over a JSON document: the caller walks the structure it expects and decodes
/// each part the cheapest way — a ``JSONValue`` tree for small parts, a flat
/// ``JSONFloatTensor`` for big numeric arrays — in one pass over the bytes.
///
/// ```swift
/// var reader = try JSONReader(body)
/// try reader.beginObject()
/// while let key = try reader.nextKey() {
///     switch key {
///     case "inputs": inputs = try reader.readFloatTensor()   // no JSONValue per number
///     case "outputs": outputs = try reader.readValue()
///     default: try reader.skipValue()
///     }
/// }
/// try reader.finish()
/// ```
///
/// Why a pull reader: a tree with a compact numeric case would change the shared
/// ``JSONValue`` type, and a lazy tree of raw spans would scan tensor bytes twice (once to
/// validate, once to decode). Pulling validates and decodes every byte exactly once, and the
/// caller, who knows the schema, decides what each part becomes.
///
/// Duplicate keys, trailing commas, depth and size limits are enforced as in
/// ``JSONValue/init(parsing:limits:)``. Calling a method that does not fit the current state
/// (e.g. `nextKey()` outside an object) is a programmer error and traps.
public struct JSONReader: Sendable {
    /// The bounds this reader enforces.
    public let limits: JSONLimits
    private let bytes: Bytes
    /// Byte offset of the next unread byte.
    public private(set) var offset: Int = 0
    private var containers: [Container] = []

    /// An array or object the caller has entered and not yet left.
    private struct Container: Sendable {
        let isObject: Bool
        var count = 0
        /// An object's first key, alone: most bodies (`{"inputs": …}`) have one, which then
        /// costs no set (its allocation and hashing weighed in a one-row forward's read).
        var firstKey: String?
        /// Every key once there are two or more.
        var keys: Set<String> = []

        /// Records `key`; false when the object already has it.
        mutating func insert(_ key: String) -> Bool {
            defer { count += 1 }
            switch count {
            case 0:
                firstKey = key
                return true
            case 1:
                guard let firstKey, key != firstKey else { return false }
                keys = [firstKey, key]
                return true
            default:
                return keys.insert(key).inserted
            }
        }
    }

    /// The document: an array the reader keeps alive, or memory its caller keeps alive.
    private enum Bytes: @unchecked Sendable {
        // Unchecked: `.borrowed` is only ever read, and only while its caller keeps it valid
        // (``JSONReader/init(borrowing:limits:)``).
        case owned([UInt8])
        case borrowed(UnsafeBufferPointer<UInt8>)

        func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
            switch self {
            case .owned(let array):
                let result: Result<R, E> = array.withUnsafeBufferPointer { buffer in
                    do throws(E) { return .success(try body(buffer)) } catch { return .failure(error) }
                }
                return try result.get()
            case .borrowed(let buffer):
                return try body(buffer)
            }
        }
    }

    /// Wraps `bytes`; throws `.documentTooLarge` at once when they exceed `limits.maxBytes`.
    public init(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) throws(JSONError) {
        guard bytes.count <= limits.maxBytes else {
            throw .documentTooLarge(size: bytes.count, limit: limits.maxBytes)
        }
        self.bytes = .owned(bytes)
        self.limits = limits
    }

    /// Reads memory the caller owns, without copying it: a request body in a buffer the server
    /// reuses. The caller keeps `buffer` valid and unchanged for as long as the reader is used.
    public init(borrowing buffer: UnsafeRawBufferPointer, limits: JSONLimits = JSONLimits()) throws(JSONError) {
        guard buffer.count <= limits.maxBytes else {
            throw .documentTooLarge(size: buffer.count, limit: limits.maxBytes)
        }
        self.bytes = .borrowed(buffer.assumingMemoryBound(to: UInt8.self))
        self.limits = limits
    }

    /// Where the reader is, for error messages of the caller's own (e.g. an unknown key).
    public var location: JSONLocation {
        bytes.withUnsafeBufferPointer { buffer in JSONLocation(offset: offset, in: buffer) }
    }

    /// Runs `body` on a scanner at the current offset and keeps the offset it reaches.
    private mutating func scan<T>(_ body: (inout JSONScanner) throws(JSONError) -> T) throws(JSONError) -> T {
        let bytes = self.bytes
        return try bytes.withUnsafeBufferPointer { buffer throws(JSONError) in
            var scanner = JSONScanner(buffer, position: offset)
            defer { offset = scanner.position }
            return try body(&scanner)
        }
    }

    /// The error for the value about to be read when it is not what the caller expects:
    /// `.unexpectedByte` naming `expected`, at the value's first byte.
    public func unexpectedValue(_ expected: JSONExpectation) -> JSONError {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer, position: offset)
            scanner.skipWhitespace()
            return scanner.unexpected(expected)
        }
    }

    /// The kind of the next value, without consuming it.
    public mutating func peekKind() throws(JSONError) -> JSONKind {
        try scan { scanner throws(JSONError) in
            switch try scanner.peekByte() {
            case UInt8(ascii: "{"): return .object
            case UInt8(ascii: "["): return .array
            case UInt8(ascii: "\""): return .string
            case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
            case UInt8(ascii: "n"): return .null
            case let byte where JSONScanner.isNumberStart(byte): return .number
            default: throw scanner.unexpected(.value)
            }
        }
    }

    /// Consumes `{` and enters the object; read its members with ``nextKey()``.
    public mutating func beginObject() throws(JSONError) {
        try enter(UInt8(ascii: "{"), .object)
        containers.append(Container(isObject: true))
    }

    /// Consumes `[` and enters the array; step through it with ``nextElement()``.
    public mutating func beginArray() throws(JSONError) {
        try enter(UInt8(ascii: "["), .array)
        containers.append(Container(isObject: false))
    }

    private mutating func enter(_ byte: UInt8, _ expected: JSONExpectation) throws(JSONError) {
        let depth = containers.count
        let maxDepth = limits.maxDepth
        try scan { scanner throws(JSONError) in
            guard try scanner.peekByte() == byte else { throw scanner.unexpected(expected) }
            guard depth < maxDepth else { throw .tooDeep(limit: maxDepth, scanner.location(scanner.position)) }
            scanner.position += 1
        }
    }

    /// The next key of the current object, with its `:` consumed, or nil after its `}`.
    /// The caller must then read or skip the member's value.
    public mutating func nextKey() throws(JSONError) -> String? {
        guard let container = containers.last, container.isObject else {
            preconditionFailure("nextKey() called outside an object")
        }
        let isFirst = container.count == 0
        let member: (key: String, offset: Int)? = try scan { scanner throws(JSONError) in
            if isFirst {
                guard try scanner.peekByte() != UInt8(ascii: "}") else {
                    scanner.position += 1
                    return nil
                }
            } else if try !scanner.scanObjectSeparator() {
                return nil
            }
            return try scanner.scanKey()
        }
        guard let member else {
            containers.removeLast()
            return nil
        }
        let index = containers.count - 1
        guard containers[index].insert(member.key) else {
            throw bytes.withUnsafeBufferPointer { .duplicateKey(member.key, JSONLocation(offset: member.offset, in: $0)) }
        }
        return member.key
    }

    /// Whether another element follows in the current array (then read or skip it); false
    /// after consuming its `]`.
    public mutating func nextElement() throws(JSONError) -> Bool {
        guard let container = containers.last, !container.isObject else {
            preconditionFailure("nextElement() called outside an array")
        }
        let isFirst = container.count == 0
        let hasElement = try scan { scanner throws(JSONError) in
            if isFirst {
                guard try scanner.peekByte() != UInt8(ascii: "]") else {
                    scanner.position += 1
                    return false
                }
                return true
            }
            return try scanner.scanArraySeparator()
        }
        if hasElement {
            containers[containers.count - 1].count += 1
        } else {
            containers.removeLast()
        }
        return hasElement
    }

    /// Reads the next value, whatever it is, as a tree.
    public mutating func readValue() throws(JSONError) -> JSONValue {
        let depth = containers.count
        let maxDepth = limits.maxDepth
        return try scan { scanner throws(JSONError) in try scanner.scanValue(maxDepth: maxDepth, depth: depth) }
    }

    /// Reads and discards the next value (validating it all the same).
    public mutating func skipValue() throws(JSONError) {
        _ = try readValue()
    }

    /// Reads a number or a nested array of numbers as a flat Float32 tensor; see
    /// ``JSONFloatTensor``. Non-finite results (`1e39`) and ragged arrays are errors.
    public mutating func readFloatTensor() throws(JSONError) -> JSONFloatTensor {
        let depth = containers.count
        let limits = self.limits
        return try scan { scanner throws(JSONError) in
            try scanner.scanFloatTensor(
                maxDepth: limits.maxDepth, depth: depth, maxElements: limits.maxTensorElements)
        }
    }

    /// Checks that nothing but whitespace follows and every entered container was left.
    public mutating func finish() throws(JSONError) {
        precondition(containers.isEmpty, "finish() called inside an unfinished array or object")
        try scan { scanner throws(JSONError) in try scanner.expectEndOfDocument() }
    }
}

/// The six kinds of JSON value.
public enum JSONKind: Sendable, Equatable {
    case object, array, string, number, bool, null
}
