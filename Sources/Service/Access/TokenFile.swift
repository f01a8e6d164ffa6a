import FoundationEssentials

/// The tokens file (`--tokens-file`): one token and its scopes per line.
///
/// ```text
/// # blank lines and lines starting with # are ignored
/// sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 read,infer
/// s3cr3t-writer read,write
/// ```
///
/// A token is written either as `sha256:` and the 64 hex digits of its SHA-256 digest (so the
/// file need not hold the secret: `printf %s "$TOKEN" | sha256sum`), or in plain text (visible
/// ASCII, not starting with `sha256:`). Scopes are a comma-separated list of `read`, `infer`,
/// `write` and `admin`, at least one. Any malformed line makes the whole file invalid: a
/// partly understood file would grant or revoke access nobody asked for.
public enum TokenFile {
    /// Why a tokens file was refused. The description names the file's line, never its token.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let line: Int?
        public let reason: String

        public var description: String { line.map { "line \($0): \(reason)" } ?? reason }
    }

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws(Invalid) -> AccessTokens {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Invalid(line: nil, reason: "cannot read \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Invalid(line: nil, reason: "\(path) is not UTF-8 text")
        }
        return try parse(text)
    }

    /// Parses the file's text.
    public static func parse(_ text: String) throws(Invalid) -> AccessTokens {
        var tokens: [AccessToken] = []
        var lines: [[UInt8]: Int] = [:]
        // `isNewline` also takes "\r\n", one Character in Swift, so CRLF files read the same.
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            let line = raw.trimmingHorizontalWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2 else {
                throw Invalid(
                    line: number,
                    reason:
                        "expected a token and its scopes separated by a space (e.g. `sha256:<64 hex digits> read,infer`), found \(fields.count) fields"
                )
            }
            let token = try entry(String(fields[0]), scopes: try scopes(String(fields[1]), line: number), line: number)
            if let first = lines[token.digest] {
                throw Invalid(line: number, reason: "the same token as on line \(first)")
            }
            lines[token.digest] = number
            tokens.append(token)
        }
        return AccessTokens(tokens)
    }

    private static let hashPrefix = "sha256:"

    private static func entry(_ field: String, scopes: Set<AccessScope>, line: Int) throws(Invalid) -> AccessToken {
        guard field.hasPrefix(hashPrefix) else {
            guard field.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw Invalid(line: line, reason: "a plain token must be visible ASCII without spaces")
            }
            return AccessToken(plain: field, scopes: scopes)
        }
        let hex = Array(field.utf8.dropFirst(hashPrefix.utf8.count))
        guard hex.count == 64, let digest = bytes(hex: hex) else {
            throw Invalid(line: line, reason: "after sha256: come exactly 64 hex digits (the SHA-256 of the token)")
        }
        return AccessToken(digest: digest, scopes: scopes)
    }

    private static func scopes(_ field: String, line: Int) throws(Invalid) -> Set<AccessScope> {
        var scopes: Set<AccessScope> = []
        for name in field.split(separator: ",", omittingEmptySubsequences: false) {
            guard let scope = AccessScope(rawValue: String(name)) else {
                let known = AccessScope.allCases.map(\.rawValue).joined(separator: ", ")
                throw Invalid(line: line, reason: "unknown scope \"\(name.prefix(32))\"; scopes are \(known), separated by commas")
            }
            scopes.insert(scope)
        }
        return scopes
    }

    private static func bytes(hex: [UInt8]) -> [UInt8]? {
        func nibble(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = 0
        while index < hex.count {
            guard let high = nibble(hex[index]), let low = nibble(hex[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
