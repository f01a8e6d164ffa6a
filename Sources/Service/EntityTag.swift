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
        /// A list of entity tags; weak ones (`W/"3"`) never match, as strong comparison requires.
        case tags([String])

        /// Whether the model at `version` satisfies the condition.
        public func isSatisfied(byVersion version: Int) -> Bool {
            switch self {
            case .any: return true
            case .tags(let tags): return tags.contains(String(version))
            }
        }
    }

    /// Parses an `If-Match` value; nil header → nil; malformed → 400.
    public static func condition(ifMatch value: String?) throws(Problem) -> Condition? {
        guard let value else { return nil }
        let trimmed = value.trimmingSpaces
        if trimmed == "*" { return .any }
        var tags: [String] = []
        let items = trimmed.split(separator: ",", omittingEmptySubsequences: false)
        // Bounds match api/openapi.yaml, so what the contract calls invalid is refused here too.
        guard items.count <= 16 else {
            throw Problem.badRequest("If-Match lists more than 16 entity tags", slug: "invalid-if-match")
        }
        for item in items {
            var tag = Substring(String(item).trimmingSpaces)
            var isWeak = false
            if tag.hasPrefix("W/") {
                isWeak = true
                tag = tag.dropFirst(2)
            }
            // entity-tag = [ W/ ] DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text
            guard tag.utf8.count >= 2, tag.utf8.count <= 66, tag.first == "\"", tag.last == "\"",
                  tag.dropFirst().dropLast().utf8.allSatisfy({ $0 == 0x21 || ($0 >= 0x23 && $0 <= 0x7E) })
            else {
                throw Problem.badRequest(
                    "If-Match must be * or a list of entity tags such as \"3\", got \(value.debugDescription)",
                    slug: "invalid-if-match")
            }
            if !isWeak { tags.append(String(tag.dropFirst().dropLast())) }
        }
        return .tags(tags)
    }

    /// The 412 problem, carrying the current ETag so the client can retry.
    public static func preconditionFailed(current version: Int) -> Problem {
        Problem(
            status: 412, slug: "precondition-failed", title: "Precondition failed",
            detail: "If-Match does not list the model's current ETag \(header(version: version))",
            headers: [(name: "ETag", value: header(version: version))])
    }
}

extension String {
    /// The string without leading and trailing spaces.
    var trimmingSpaces: String {
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { $0 != 0x20 }) else { return "" }
        let last = bytes.lastIndex(where: { $0 != 0x20 })!
        return String(self[first...last])
    }
}
