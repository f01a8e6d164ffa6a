/// A `postgresql://` (or `postgres://`) connection URL, as libpq reads it:
/// `postgresql://[user[:password]@][host][:port][/dbname][?param=value&…]`.
///
/// Its ``description`` is ``redacted``: anything that prints a URL prints it without the
/// password, so a log line or an error message cannot leak it.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// The URL as given, password included: for libpq only.
    public let string: String

    /// nil when `string` is not a `postgresql://` or `postgres://` URL.
    public init?(_ string: String) {
        guard string.hasPrefix("postgresql://") || string.hasPrefix("postgres://") else { return nil }
        self.string = string
    }

    private var schemeEnd: String.Index { string.index(string.firstIndex(of: ":")!, offsetBy: 3) }

    /// The authority (`user:password@host:port`), up to the path or query.
    private var authority: Range<String.Index> {
        let rest = string[schemeEnd...]
        let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? string.endIndex
        return schemeEnd..<end
    }

    /// The password in the user part, or in a `password=` parameter, as written (percent-encoded).
    public var password: String? {
        if let range = passwordInUserInfo { return String(string[range]) }
        return passwordParameter.map { String(string[$0]) }
    }

    private var passwordInUserInfo: Range<String.Index>? {
        let authority = string[authority]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return nil }
        return authority.index(after: colon)..<at
    }

    private var passwordParameter: Range<String.Index>? {
        guard let question = string.firstIndex(of: "?") else { return nil }
        var start = string.index(after: question)
        while start < string.endIndex {
            let end = string[start...].firstIndex(of: "&") ?? string.endIndex
            if string[start..<end].hasPrefix("password=") {
                return string.index(start, offsetBy: "password=".count)..<end
            }
            start = end == string.endIndex ? end : string.index(after: end)
        }
        return nil
    }

    /// The URL with every password replaced by `***`.
    public var redacted: String {
        var text = string
        if let range = passwordParameter { text.replaceSubrange(range, with: "***") }
        if let range = passwordInUserInfo { text.replaceSubrange(range, with: "***") }
        return text
    }

    public var description: String { redacted }
}
