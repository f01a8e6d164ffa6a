/// Why the bearer-token check refused a request; ``Problem/init(access:)`` gives the status and
/// the challenge header RFC 6750 §3 asks for.
enum AccessRefusal: Error, Sendable, Equatable {
    /// No `Authorization` header.
    case noToken
    /// An `Authorization` header without an accepted bearer token.
    case invalidToken
    /// A valid token without `scope`, which `method` `route` needs.
    case insufficientScope(AccessScope, method: String, route: String)
}
