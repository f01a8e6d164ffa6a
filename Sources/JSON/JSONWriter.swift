/// Builds compact JSON (no insignificant whitespace) into a byte buffer.
///
/// Commas are placed automatically: call `beginObject`, `key`, a value, `key`, a value,
/// `endObject`, and so on. Strings are escaped as RFC 8259 §7 requires (quote, backslash and
/// U+0000–U+001F; everything else is written as raw UTF-8).
///
/// Numbers:
/// - a `Float` (tensors) is written in the shortest form that reads back to the same Float,
///   as Swift's `description` gives it, always with a fraction or exponent: `1.0`, `0.1`,
///   `1e-05`, `3.4028235e+38`. So tensors look like what `torch.tensor(...).tolist()` prints.
/// - a `Double` that is an integer of magnitude below 2⁵³ is written as an integer (`20`), so
///   counts and sizes in specs read naturally; other Doubles in their shortest form.
/// - NaN and ±infinity have no JSON form: they are written as `null`, as JavaScript's
///   `JSON.stringify` does, so a response stays valid JSON. Callers that must refuse
///   non-finite data check before writing (see ``JSONFloatTensor/isFinite``).
public struct JSONWriter: Sendable {
    /// The JSON written so far.
    public internal(set) var bytes: [UInt8]
    /// One entry per open container: whether it already holds an element.
    private var hasElements: [Bool] = []
    private var isAfterKey = false

    /// An empty writer whose buffer has room for `capacity` bytes before it grows.
    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Hands out what was written so far and empties the buffer, keeping its capacity and the
    /// open containers: the next write continues the same document. For a response streamed in
    /// chunks, so a document of any size needs a buffer of one chunk.
    public mutating func takeBytes() -> [UInt8] {
        let taken = bytes
        bytes.removeAll(keepingCapacity: true)
        return taken
    }

    /// Writes the separating comma, if one is due, before a value or key.
    @inline(__always)
    mutating func beginValue() {
        if isAfterKey {
            isAfterKey = false
        } else if let last = hasElements.indices.last {
            if hasElements[last] { bytes.append(UInt8(ascii: ",")) } else { hasElements[last] = true }
        }
    }

    /// Writes `{`; members follow as ``key(_:)`` then a value.
    public mutating func beginObject() {
        beginValue()
        bytes.append(UInt8(ascii: "{"))
        hasElements.append(false)
    }

    /// Writes `}`, closing the innermost open object.
    public mutating func endObject() {
        precondition(!hasElements.isEmpty && !isAfterKey, "endObject() without an open object or after a key")
        hasElements.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// Writes `[`; elements follow as values.
    public mutating func beginArray() {
        beginValue()
        bytes.append(UInt8(ascii: "["))
        hasElements.append(false)
    }

    /// Writes `]`, closing the innermost open array.
    public mutating func endArray() {
        precondition(!hasElements.isEmpty && !isAfterKey, "endArray() without an open array or after a key")
        hasElements.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes an object member's key and colon; the next write is its value.
    public mutating func key(_ name: String) {
        precondition(!isAfterKey, "two keys in a row")
        beginValue()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        isAfterKey = true
    }

    /// Writes a string, escaped.
    public mutating func write(string: String) {
        beginValue()
        appendQuoted(string)
    }

    /// Writes `true` or `false`.
    public mutating func write(bool: Bool) {
        beginValue()
        bytes.append(contentsOf: bool ? [0x74, 0x72, 0x75, 0x65] : [0x66, 0x61, 0x6C, 0x73, 0x65])
    }

    /// Writes `null`.
    public mutating func writeNull() {
        beginValue()
        bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    }

    /// Writes a Double: integers below 2⁵³ without a fraction, non-finite as `null`.
    public mutating func write(number: Double) {
        beginValue()
        appendNumber(number)
    }

    /// Writes a Float in its shortest round-trip form, non-finite as `null`.
    public mutating func write(float: Float) {
        beginValue()
        appendFloat(float)
    }

    /// Writes a whole value tree. Object keys are sorted, so equal values give equal bytes.
    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: writeNull()
        case .bool(let flag): write(bool: flag)
        case .number(let number): write(number: number)
        case .string(let text): write(string: text)
        case .array(let elements):
            beginArray()
            for element in elements { write(element) }
            endArray()
        case .object(let members):
            beginObject()
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                key(name)
                write(member)
            }
            endObject()
        }
    }
}

extension JSONValue {
    /// This value as compact JSON bytes, keys sorted; see ``JSONWriter``.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        writer.write(self)
        return writer.bytes
    }

    /// This value as a compact JSON string, keys sorted.
    public var jsonString: String { String(decoding: jsonBytes, as: UTF8.self) }
}
