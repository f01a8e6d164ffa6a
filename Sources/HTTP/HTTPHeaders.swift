/// Header fields in arrival order, with case-insensitive name lookup (RFC 9110 §5.1).
///
/// Lookup is a linear scan: requests carry a handful of fields, where a scan beats hashing.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Field = (name: String, value: String)

    private var fields: [Field]

    public init() { fields = [] }

    /// Room for `count` fields up front: a request's head is parsed into one allocation.
    init(reservingCapacity count: Int) {
        fields = []
        fields.reserveCapacity(count)
    }

    public init(_ fields: [(String, String)]) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        first(name)
    }

    public func first(_ name: String) -> String? {
        for field in fields where Self.namesEqual(field.name, name) { return field.value }
        return nil
    }

    /// Every value of `name`, in arrival order.
    public func values(_ name: String) -> [String] {
        var values: [String] = []
        for field in fields where Self.namesEqual(field.name, name) { values.append(field.value) }
        return values
    }

    public func contains(_ name: String) -> Bool { first(name) != nil }

    /// Appends a field, keeping any existing ones of that name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field of `name` with one field.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name: name, value: value))
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { Self.namesEqual($0.name, name) }
    }

    /// Whether a comma-separated field such as Connection lists `token`, ignoring case.
    public func containsToken(_ token: String, in name: String) -> Bool {
        for field in fields where Self.namesEqual(field.name, name) {
            for item in field.value.split(separator: ",") where Self.namesEqual(item.trimmingOWS(), token) {
                return true
            }
        }
        return false
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// ASCII case-insensitive comparison; field names are tokens, so ASCII is all there is.
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
    /// The string without leading and trailing spaces and tabs (OWS, RFC 9110 §5.6.3).
    func trimmingOWS() -> Substring {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return view
    }
}
