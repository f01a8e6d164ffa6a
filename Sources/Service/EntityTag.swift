/// Model versions as HTTP entity tags, and the `If-Match` precondition (RFC 9110 §8.8.3, §13.1.1).
///
/// paramd's tags are strong and hold the version number: `"3"`.
public enum EntityTag {
    /// `"<version>"`.
    public static func header(version: Int) -> String { "\"\(version)\"" }

    /// What an `If-Match` header asks for.
    public enum Condition: Sendable, Equatable {
        /// `*`: any current representation.
        case any
        /// The strong entity tags listed (weak ones never match under the strong comparison
        /// If-Match requires).
        case tags([String])

        /// Whether the model at `version` satisfies the condition.
        public func isSatisfied(byVersion version: Int) -> Bool {
            switch self {
            case .any: return true
            case .tags(let tags): return tags.contains(String(version))
            }
        }
    }

    /// Reads an `If-Match` value (nil header: no condition).
    ///
    /// Lenient by design: an item that is not a well-formed strong entity-tag (`0`, `W/"3"`,
    /// `"unterminated`) can match nothing, so a value made only of such items is a 412 with the
    /// current ETag, which tells the client what to send, rather than a 400.
    public static func condition(ifMatch value: String?) -> Condition? {
        guard let value else { return nil }
        if value.trimmingSpaces == "*" { return .any }
        var tags: [String] = []
        var bytes = value.utf8[...]
        while !bytes.isEmpty {
            bytes = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == UInt8(ascii: ",") }
            guard !bytes.isEmpty else { break }
            var isWeak = false
            if bytes.starts(with: "W/".utf8) {
                isWeak = true
                bytes = bytes.dropFirst(2)
            }
            if bytes.first == UInt8(ascii: "\"") {
                // entity-tag = [ W/ ] DQUOTE *etagc DQUOTE; etagc excludes DQUOTE, so a comma inside is part of it.
                let body = bytes.dropFirst()
                if let close = body.firstIndex(of: UInt8(ascii: "\"")) {
                    if !isWeak { tags.append(String(decoding: body[..<close], as: UTF8.self)) }
                    bytes = body[body.index(after: close)...]
                    continue
                }
            }
            // Not an entity-tag: skip to the next comma; it matches nothing.
            bytes = bytes.drop { $0 != UInt8(ascii: ",") }
        }
        return .tags(tags)
    }

}

extension String {
    /// The string without leading and trailing spaces and tabs (OWS, RFC 9110 §5.6.3).
    var trimmingSpaces: String {
        let bytes = utf8
        let isOWS = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let first = bytes.firstIndex(where: { !isOWS($0) }) else { return "" }
        let last = bytes.lastIndex(where: { !isOWS($0) })!
        return String(self[first...last])
    }
}
