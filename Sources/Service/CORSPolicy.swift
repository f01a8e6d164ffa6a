import HTTP

/// Cross-origin access (the Fetch standard's CORS protocol) for the origins the operator lists
/// with `--cors-origins`: their preflights get an answer, their responses the headers that let
/// the browser hand them to the page. Every other origin gets no CORS header at all, so the
/// browser refuses the call, exactly as without this policy.
struct CORSPolicy: Sendable {
    let origins: Set<String>

    static let allowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE"
    static let allowedHeaders = "Authorization, Content-Type, Accept, If-Match, If-None-Match, Tensor-Shape, Last-Event-ID"
    static let exposedHeaders = "ETag, Location, Request-Id, Tensor-Shape, WWW-Authenticate"
    /// Seconds a browser may cache a preflight answer.
    static let maxAge = "600"

    /// Nil when no origin is listed: the service then adds no CORS header anywhere.
    init?(origins: [String]) {
        guard !origins.isEmpty else { return nil }
        self.origins = Set(origins)
    }

    /// The request's `Origin` when it is listed.
    func admittedOrigin(_ headers: HTTPHeaders) -> String? {
        guard let origin = headers["Origin"], origins.contains(origin) else { return nil }
        return origin
    }

    /// A preflight from a listed origin: `OPTIONS` with `Access-Control-Request-Method`. It
    /// carries no credentials by design, so it is answered before the token is checked.
    func isAdmittedPreflight(method: HTTPMethod, headers: HTTPHeaders) -> Bool {
        method == .options && headers.contains("Access-Control-Request-Method") && admittedOrigin(headers) != nil
    }

    /// The middleware: answers admitted preflights itself, adds the response headers for listed
    /// origins, and `Vary: Origin` everywhere (a cache must not serve one origin's answer to another).
    var middleware: HTTPMiddleware {
        HTTPMiddleware(
            before: { [self] request in
                guard isAdmittedPreflight(method: request.method, headers: request.headers), let origin = admittedOrigin(request.headers)
                else { return .proceed }
                var response = HTTPResponse(status: .noContent)
                response.headers.set("Access-Control-Allow-Origin", origin)
                response.headers.set("Access-Control-Allow-Methods", Self.allowedMethods)
                response.headers.set("Access-Control-Allow-Headers", Self.allowedHeaders)
                response.headers.set("Access-Control-Max-Age", Self.maxAge)
                response.headers.add("Vary", "Origin")
                return .answer(response)
            },
            after: { [self] request, response in decorate(&response, requestHeaders: request.headers) })
    }

    /// Adds `Access-Control-Allow-Origin` and `-Expose-Headers` for a listed origin, and `Vary: Origin`.
    func decorate(_ response: inout HTTPResponse, requestHeaders: HTTPHeaders) {
        if !response.headers.containsToken("Origin", in: "Vary") { response.headers.add("Vary", "Origin") }
        guard let origin = admittedOrigin(requestHeaders) else { return }
        response.headers.set("Access-Control-Allow-Origin", origin)
        response.headers.set("Access-Control-Expose-Headers", Self.exposedHeaders)
    }
}
