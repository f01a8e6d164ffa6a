import HTTP
import JSON

/// The bearer-token check in front of `/v1` and `/v2` (RFC 6750): who the token is, by its
/// scopes, from a set of accepted tokens that SIGHUP may replace while requests are served.
///
/// Tokens are held as SHA-256 digests and compared in constant time (``AccessTokens``).
public final class BearerAuth: Sendable {
    /// What the `Authorization` header proved.
    public enum Outcome: Sendable, Equatable {
        /// No `Authorization` header.
        case missing
        /// A header, but no accepted bearer token in it.
        case invalid
        /// An accepted token with these scopes.
        case admitted(Set<AccessScope>)
    }

    /// The tokens of the tokens file; replaced whole on reload, read by every request.
    private let fileTokens: Locked<AccessTokens>
    /// The single `--token`, which grants every scope and is never reloaded.
    private let fixed: AccessTokens

    /// `token` (the `--token`, all scopes) must be non-empty when given; the executable
    /// checks it is visible ASCII.
    public init(token: String?, fileTokens: AccessTokens?) {
        precondition(token?.isEmpty != true, "an empty bearer token would let everyone in")
        fixed = AccessTokens(token.map { [AccessToken(plain: $0, scopes: [.admin])] } ?? [])
        self.fileTokens = Locked(fileTokens ?? AccessTokens([]))
    }

    /// Replaces the tokens file's tokens; requests that already passed the check are unaffected.
    public func replaceFileTokens(_ tokens: AccessTokens) {
        fileTokens.withLock { $0 = tokens }
    }

    /// Checks an `Authorization` header value (`Bearer <token>`, scheme case-insensitive,
    /// RFC 9110 §11.1).
    public func authenticate(authorization: String?) -> Outcome {
        guard let authorization else { return .missing }
        let bytes = Array(authorization.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count > scheme.count else { return .invalid }
        for (byte, wanted) in zip(bytes[..<scheme.count], scheme) where byte | 0x20 != wanted | 0x20 {
            return .invalid
        }
        var start = scheme.count
        while start < bytes.count, bytes[start] == UInt8(ascii: " ") { start += 1 }
        let presented = bytes[start...]
        let fromFile = fileTokens.withLock { $0 }.scopes(of: presented)
        switch (fixed.scopes(of: presented), fromFile) {
        case (nil, nil): return .invalid
        case (let a, let b): return .admitted((a ?? []).union(b ?? []))
        }
    }

}
