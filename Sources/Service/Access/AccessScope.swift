/// What a bearer token may do. Each route needs one scope (``RouteScopes``); `admin` grants
/// every scope, the others grant only themselves, so a `write` token that should also read
/// lists `read,write`.
public enum AccessScope: String, Sendable, CaseIterable, Comparable {
    /// GET on the models and their parameters, statistics, events and exports.
    case read
    /// Forward passes: `POST /v1/models/{model}/forward` and every `/v2` route but health.
    case infer
    /// Every change: create, delete, parameter writes, initialize, backward, zero-grad, train,
    /// state-dict upload.
    case write
    /// Everything; what `--token` grants.
    case admin

    public static func < (lhs: AccessScope, rhs: AccessScope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

extension Set where Element == AccessScope {
    /// Whether a token holding these scopes may call a route that needs `scope`.
    public func grants(_ scope: AccessScope) -> Bool {
        contains(scope) || contains(.admin)
    }
}
