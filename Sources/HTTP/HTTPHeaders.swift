/// Header fields in arrival order, with case-insensitive name lookup (RFC 9110 §5.1).
///
/// The fields are kept as bytes: one buffer holds every name and value back to back, and each
/// field is a pair of ranges into it. A parsed head copies its field lines into the buffer once;
/// a `String` is made only when a caller asks for a name or a value, and lookups compare bytes.
/// (A `String` per name and per value, validated as UTF-8, was the parser's largest cost.)
/// Lookup is a linear scan: requests carry a handful of fields, where a scan beats hashing.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Field = (name: String, value: String)

    /// One field's name and value as offsets into `bytes`.
    struct Span {
        var nameStart: UInt32
        var nameEnd: UInt32
        var valueStart: UInt32
        var valueEnd: UInt32
    }

    private var bytes: [UInt8]
    private var spans: [Span]
    /// Which ``KnownFields`` are present, as the parser recorded while validating the head; nil
    /// when not recorded, or once the fields have changed.
    private var present: KnownFields?

    public init() {
        bytes = []
        spans = []
    }

    /// Fields whose bytes are `bytes` (a head's field lines, copied once) at the given spans;
    /// `present`: which ``KnownFields`` they hold, when the parser has looked.
    init(bytes: [UInt8], spans: [Span], present: KnownFields? = nil) {
        self.bytes = bytes
        self.spans = spans
        self.present = present
    }

    public init(_ fields: [(String, String)]) {
        self.init()
        for (name, value) in fields { add(name, value) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var count: Int { spans.count }

    /// Whether any of `fields` may be present: false only when the parser recorded their
    /// absence (and nothing changed since), so a lookup of them would find nothing.
    func mayContain(_ fields: KnownFields) -> Bool {
        guard let present else { return true }
        return !present.isDisjoint(with: fields)
    }

    /// Whether `other` holds these very fields: the same storage, to the same length (see
    /// ``EncodedFieldsCache``, which relies on holding `other` for this to imply equal content).
    func sharesStorage(with other: HTTPHeaders) -> Bool {
        guard bytes.count == other.bytes.count, spans.count == other.spans.count else { return false }
        let sameBytes = bytes.withUnsafeBufferPointer { mine in
            other.bytes.withUnsafeBufferPointer { theirs in mine.baseAddress == theirs.baseAddress }
        }
        return sameBytes
            && spans.withUnsafeBufferPointer { mine in
                other.spans.withUnsafeBufferPointer { theirs in mine.baseAddress == theirs.baseAddress }
            }
    }

    /// The bytes the fields take as `name: value` lines with CRLF: their names, values and four
    /// separators each (a sum over the spans, no bytes looked at).
    var encodedByteBound: Int {
        var total = 0
        for span in spans { total += Int(span.nameEnd - span.nameStart) + Int(span.valueEnd - span.valueStart) + 4 }
        return total
    }
    public var isEmpty: Bool { spans.isEmpty }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        first(name)
    }

    public func first(_ name: String) -> String? {
        guard let index = firstIndex(of: name) else { return nil }
        return value(at: index)
    }

    /// Every value of `name`, in arrival order.
    public func values(_ name: String) -> [String] {
        var values: [String] = []
        for index in spans.indices where nameMatches(index, name) { values.append(value(at: index)) }
        return values
    }

    public func contains(_ name: String) -> Bool { firstIndex(of: name) != nil }

    /// Appends a field, keeping any existing ones of that name.
    public mutating func add(_ name: String, _ value: String) {
        present = nil
        let nameStart = UInt32(bytes.count)
        bytes.append(contentsOf: name.utf8)
        let valueStart = UInt32(bytes.count)
        bytes.append(contentsOf: value.utf8)
        spans.append(Span(nameStart: nameStart, nameEnd: valueStart, valueStart: valueStart, valueEnd: UInt32(bytes.count)))
    }

    /// Appends a field from its bytes (a chunked body's trailer).
    mutating func add(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        present = nil
        let nameStart = UInt32(bytes.count)
        bytes.append(contentsOf: name)
        let valueStart = UInt32(bytes.count)
        bytes.append(contentsOf: value)
        spans.append(Span(nameStart: nameStart, nameEnd: valueStart, valueStart: valueStart, valueEnd: UInt32(bytes.count)))
    }

    /// Replaces every field of `name` with one field.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    /// Removes every field of `name`. Their bytes stay in the buffer until the next copy: a
    /// removal is rare and the buffer small.
    public mutating func remove(_ name: String) {
        guard firstIndex(of: name) != nil else { return }
        present = nil
        let bytes = self.bytes
        spans.removeAll { span in
            bytes.withUnsafeBufferPointer { Self.namesEqual(Self.slice($0, span.nameStart, span.nameEnd), name) }
        }
    }

    /// Whether a comma-separated field such as Connection lists `token`, ignoring case.
    public func containsToken(_ token: String, in name: String) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            let length = name.utf8.count
            for span in spans
            where Int(span.nameEnd - span.nameStart) == length && Self.namesEqual(Self.slice(buffer, span.nameStart, span.nameEnd), name) {
                var rest = Self.slice(buffer, span.valueStart, span.valueEnd)[...]
                while !rest.isEmpty {
                    let end = rest.firstIndex(of: UInt8(ascii: ",")) ?? rest.endIndex
                    if Self.namesEqual(UnsafeBufferPointer(rebasing: rest[..<end]).trimmingOWS(), token) { return true }
                    rest = end == rest.endIndex ? rest[end...] : rest[(end + 1)...]
                }
            }
            return false
        }
    }

    /// Calls `body` with each field's name and value bytes, in order, without making strings:
    /// for the parser's checks and the response head's encoder.
    func forEachField<Failure: Error>(
        _ body: (_ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) throws(Failure) -> Void
    ) throws(Failure) {
        try bytes.withUnsafeBufferPointer { buffer throws(Failure) in
            for span in spans {
                try body(Self.slice(buffer, span.nameStart, span.nameEnd), Self.slice(buffer, span.valueStart, span.valueEnd))
            }
        }
    }

    public struct Iterator: IteratorProtocol {
        let headers: HTTPHeaders
        var index = 0

        public mutating func next() -> Field? {
            guard index < headers.spans.count else { return nil }
            defer { index += 1 }
            return (headers.name(at: index), headers.value(at: index))
        }
    }

    public func makeIterator() -> Iterator { Iterator(headers: self) }

    public var underestimatedCount: Int { spans.count }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        guard lhs.spans.count == rhs.spans.count else { return false }
        return lhs.bytes.withUnsafeBufferPointer { left in
            rhs.bytes.withUnsafeBufferPointer { right in
                zip(lhs.spans, rhs.spans).allSatisfy { a, b in
                    slice(left, a.nameStart, a.nameEnd).elementsEqual(slice(right, b.nameStart, b.nameEnd))
                        && slice(left, a.valueStart, a.valueEnd).elementsEqual(slice(right, b.valueStart, b.valueEnd))
                }
            }
        }
    }

    // MARK: Bytes

    /// Lengths first: most lookups are for fields a request does not have (Request-Id,
    /// Content-Encoding…), and comparing lengths rules out nearly every field without its bytes.
    private func firstIndex(of name: String) -> Int? {
        let length = name.utf8.count
        for index in spans.indices where Int(spans[index].nameEnd - spans[index].nameStart) == length && nameMatches(index, name) {
            return index
        }
        return nil
    }

    private func nameMatches(_ index: Int, _ name: String) -> Bool {
        let span = spans[index]
        return bytes.withUnsafeBufferPointer { Self.namesEqual(Self.slice($0, span.nameStart, span.nameEnd), name) }
    }

    private func name(at index: Int) -> String {
        let span = spans[index]
        return bytes.withUnsafeBufferPointer { String(decoding: Self.slice($0, span.nameStart, span.nameEnd), as: UTF8.self) }
    }

    private func value(at index: Int) -> String {
        let span = spans[index]
        return bytes.withUnsafeBufferPointer { String(decoding: Self.slice($0, span.valueStart, span.valueEnd), as: UTF8.self) }
    }

    private static func slice(_ buffer: UnsafeBufferPointer<UInt8>, _ start: UInt32, _ end: UInt32) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: buffer[Int(start)..<Int(end)])
    }

    /// ASCII case-insensitive comparison of a field's bytes with a name; field names are
    /// tokens, so ASCII is all there is.
    static func namesEqual(_ bytes: UnsafeBufferPointer<UInt8>, _ name: String) -> Bool {
        let utf8 = name.utf8
        guard bytes.count == utf8.count else { return false }
        return utf8.withContiguousStorageIfAvailable { namesEqual(bytes, $0) }
            ?? Array(utf8).withUnsafeBufferPointer { namesEqual(bytes, $0) }
    }

    static func namesEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for index in 0..<a.count where a[index] != b[index] && lowercased(a[index]) != lowercased(b[index]) { return false }
        return true
    }

    /// ``namesEqual(_:_:)`` with a literal: its bytes are read in place (a static array would
    /// go through its lazy initializer on every access).
    static func namesEqual(_ a: UnsafeBufferPointer<UInt8>, literal: StaticString) -> Bool {
        namesEqual(a, UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// ASCII case-insensitive comparison of two strings.
    static func namesEqual<A: StringProtocol, B: StringProtocol>(_ a: A, _ b: B) -> Bool {
        // Counting UTF-8 is O(1) for native strings; most comparisons end here.
        if a.utf8.count != b.utf8.count { return false }
        var left = a.utf8.makeIterator()
        var right = b.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case let (x?, y?):
                if x != y && lowercased(x) != lowercased(y) { return false }
            default: return false
            }
        }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs (OWS, RFC 9110 §5.6.3): for the
    /// parts of a field value a handler splits itself (a list, a preference's parameters).
    public func trimmingOWS() -> Substring {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return view
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The bytes without leading and trailing spaces and tabs (OWS, RFC 9110 §5.6.3).
    func trimmingOWS() -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = count
        while start < end && (self[start] == sp || self[start] == htab) { start += 1 }
        while end > start && (self[end - 1] == sp || self[end - 1] == htab) { end -= 1 }
        return UnsafeBufferPointer(rebasing: self[start..<end])
    }
}

/// Fields the server looks up in every request. The parser notes which a head has while it
/// validates the fields (``HTTPHeaders/mayContain(_:)``), so that looking for the ones it lacks
/// (most requests carry none of them) costs no scan of the fields: five such lookups per request
/// were about 4 % of a small GET's instructions.
struct KnownFields: OptionSet, Sendable {
    let rawValue: UInt8

    static let connection = KnownFields(rawValue: 1 << 0)
    static let requestID = KnownFields(rawValue: 1 << 1)
    static let xRequestID = KnownFields(rawValue: 1 << 2)
    static let contentEncoding = KnownFields(rawValue: 1 << 3)
    static let acceptEncoding = KnownFields(rawValue: 1 << 4)
}
