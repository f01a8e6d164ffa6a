import HTTP

/// Who may call a route: anyone, or a bearer token with a scope.
enum RouteAccess: Sendable, Equatable {
    /// No token needed: probes, metrics and the page's own files.
    case open
    /// A token granting this scope (``AccessScope/admin`` grants all).
    case needs(AccessScope)
}

/// The one table of every route's access, by method and template exactly as registered.
///
/// Routes are registered in their own files; this table is what makes them callable with a
/// token. ContractTests checks that it names every route of the router and of api/openapi.yaml
/// and nothing else; a route missing here anyway needs `admin` (fail closed), and a path that
/// matches no route under `/v1` or `/v2` needs a valid token of any scope before it learns so.
enum RouteScopes {
    static let table: [Key: RouteAccess] = [
        // Operations and the page.
        route(.get, "/healthz"): .open,
        route(.get, "/readyz"): .open,
        route(.get, "/metrics"): .open,
        route(.get, "/"): .open,
        route(.get, "/ui/{asset}"): .open,
        // Reading models.
        route(.get, "/v1/models"): .needs(.read),
        route(.get, "/v1/models/{model}"): .needs(.read),
        route(.get, "/v1/models/{model}/parameters"): .needs(.read),
        route(.get, "/v1/models/{model}/parameters/{path}"): .needs(.read),
        route(.get, "/v1/models/{model}/parameters/{path}/stats"): .needs(.read),
        route(.get, "/v1/models/{model}/parameters/{path}/heatmap"): .needs(.read),
        route(.get, "/v1/models/{model}/events"): .needs(.read),
        route(.get, "/v1/models/{model}/state-dict"): .needs(.read),
        route(.get, "/v1/models/{model}/onnx"): .needs(.read),
        // Running models. /v2 metadata and readiness need `infer` too: /v2 is the inference
        // clients' surface (tritonclient reads metadata before it infers), and a `read` token
        // sees the same facts on /v1/models/{model}.
        route(.post, "/v1/models/{model}/forward"): .needs(.infer),
        route(.get, "/v2"): .needs(.infer),
        route(.get, "/v2/"): .needs(.infer),
        route(.get, "/v2/models/{model}"): .needs(.infer),
        route(.get, "/v2/models/{model}/ready"): .needs(.infer),
        route(.post, "/v2/models/{model}/infer"): .needs(.infer),
        route(.get, "/v2/models/{model}/versions/{version}"): .needs(.infer),
        route(.get, "/v2/models/{model}/versions/{version}/ready"): .needs(.infer),
        route(.post, "/v2/models/{model}/versions/{version}/infer"): .needs(.infer),
        route(.get, "/v2/health/live"): .open,
        route(.get, "/v2/health/ready"): .open,
        // Changing models.
        route(.post, "/v1/models"): .needs(.write),
        route(.delete, "/v1/models/{model}"): .needs(.write),
        route(.put, "/v1/models/{model}/parameters/{path}"): .needs(.write),
        route(.patch, "/v1/models/{model}/parameters/{path}"): .needs(.write),
        route(.post, "/v1/models/{model}/initialize"): .needs(.write),
        route(.post, "/v1/models/{model}/backward"): .needs(.write),
        route(.post, "/v1/models/{model}/zero-grad"): .needs(.write),
        route(.post, "/v1/models/{model}/train"): .needs(.write),
        route(.put, "/v1/models/{model}/state-dict"): .needs(.write)
    ]

    /// The access of a matched route; HEAD is GET's.
    static func access(_ method: HTTPMethod, template: String) -> RouteAccess {
        table[route(method == .head ? .get : method, template)] ?? .needs(.admin)
    }

    /// A route as registered: its method and its template.
    struct Key: Hashable, Sendable {
        let method: HTTPMethod
        let template: String
    }

    private static func route(_ method: HTTPMethod, _ template: String) -> Key {
        Key(method: method, template: template)
    }
}
