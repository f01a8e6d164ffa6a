import HTTP

extension ParamdService {
    /// What the head hook answers a request whose token does not allow its route: 401 without
    /// an accepted token, 403 naming the scope a valid token lacks; problem+json on `/v1`, the
    /// inference protocol's `{"error": ...}` on `/v2`. Nil: proceed.
    ///
    /// This is the only place access is checked, once per request and before its body is read.
    /// `router` is the service's own router, used only to find the route's template, so this
    /// check and the dispatch cannot disagree about which route a path is.
    func accessRefusal(_ head: HTTPRequestHead, router: Router) -> HTTPResponse? {
        guard let auth else { return nil }
        let inference = InferenceProtocolPaths.owns(head.path)
        let needed: AccessScope?
        switch router.match(head.method, head.pathSegments) {
        case .found(let template, _):
            guard case .needs(let scope) = RouteScopes.access(head.method, template: template) else { return nil }
            needed = scope
        case .methodNotAllowed, .notFound:
            // An unknown path under /v1 or /v2 (or a method a route lacks) needs a valid token
            // of any scope before it is told so; elsewhere 404 is no secret.
            let guarded = head.path == "/v1" || head.path.hasPrefix("/v1/") || InferenceProtocolPaths.needsToken(head.path)
            guard guarded, cors?.isAdmittedPreflight(method: head.method, headers: head.headers) != true else { return nil }
            needed = nil
        }
        let header = head.headers["Authorization"]
        let refusal: AccessRefusal
        switch auth.authenticate(authorization: header) {
        case .missing, .invalid:
            refusal = header == nil ? .noToken : .invalidToken
        case .admitted(let scopes):
            guard let needed, !scopes.grants(needed) else { return nil }
            refusal = .insufficientScope(needed, method: head.method.rawValue, route: head.path)
        }
        guard !inference else { return Self.inferenceRefusal(refusal) }
        var response = HTTPResponse.problem(Problem(access: refusal), instance: head.path)
        cors?.decorate(&response, requestHeaders: head.headers)
        return response
    }

    /// A refusal in the inference protocol's body, with the same challenge header.
    private static func inferenceRefusal(_ refusal: AccessRefusal) -> HTTPResponse {
        // The problem's detail for a missing token names /v1; on /v2 the health routes are open.
        let message = refusal == .noToken ? "this server requires Authorization: Bearer <token> on /v2 routes other than /v2/health" : nil
        return InferenceErrorBody.response(for: refusal, message: message)
    }
}

extension ParamdService {
    /// Puts `tokens` in place of the tokens file's tokens (on SIGHUP), for the requests whose
    /// head arrives from now on; open connections stay open. No-op without access checks.
    public func replaceFileTokens(_ tokens: AccessTokens) {
        auth?.replaceFileTokens(tokens)
    }
}
