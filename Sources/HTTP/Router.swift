/// Maps a method and a path to a handler, with templates written as in OpenAPI:
/// `/v1/models/{m}/parameters/{path}`. Each `{name}` matches one whole, non-empty path segment
/// (after percent-decoding, so `a%2Fb` is one segment `a/b`); literal segments win over parameters.
///
/// Build it up with ``on(_:_:handler:)`` and friends, then hand it to the server: it is a value,
/// so what the server holds never changes. A path that matches no template gets 404; one that
/// matches with another method gets 405 with `Allow`. HEAD falls back to the GET handler, and
/// OPTIONS without a handler of its own answers 204 with `Allow`.
public struct Router: HTTPResponder {
    /// One registered route, for contract tests against an OpenAPI document.
    public struct Route: Sendable, Hashable {
        public let method: HTTPMethod
        public let template: String
    }

    private var tree = RouteNode()
    private var middleware: [HTTPMiddleware] = []
    public private(set) var routes: [Route] = []
    /// Makes the 404 response; the default is plain text.
    public var notFound: @Sendable (HTTPRequest) -> HTTPResponse = { _ in .text("Not Found\n", status: .notFound) }
    /// Makes the 405 response; the router adds `Allow`. The default is plain text.
    public var methodNotAllowed: @Sendable (HTTPRequest, [HTTPMethod]) -> HTTPResponse = { _, _ in
        .text("Method Not Allowed\n", status: .methodNotAllowed)
    }

    public init() {}

    /// Registers `handler` for `method` on `template`. Registering a pair twice is a programmer
    /// error, as is a template that does not start with `/` or has a malformed `{}` segment.
    public mutating func on(_ method: HTTPMethod, _ template: String, handler: @escaping HTTPHandler) {
        add(method, template, .task(handler))
    }

    /// Registers a quick handler that the event loop calls in place, with no task (see
    /// ``HTTPImmediateHandler``). Middleware, if any, still wraps it, in a task.
    public mutating func immediate(_ method: HTTPMethod, _ template: String, handler: @escaping HTTPImmediateHandler) {
        add(method, template, .immediate(handler))
    }

    private mutating func add(_ method: HTTPMethod, _ template: String, _ handler: RouteHandler) {
        let segments = Self.templateSegments(template)
        tree.insert(segments[...], method: method, template: template, handler: handler)
        routes.append(Route(method: method, template: template))
    }

    public mutating func get(_ template: String, handler: @escaping HTTPHandler) { on(.get, template, handler: handler) }
    public mutating func post(_ template: String, handler: @escaping HTTPHandler) { on(.post, template, handler: handler) }
    public mutating func put(_ template: String, handler: @escaping HTTPHandler) { on(.put, template, handler: handler) }
    public mutating func patch(_ template: String, handler: @escaping HTTPHandler) { on(.patch, template, handler: handler) }
    public mutating func delete(_ template: String, handler: @escaping HTTPHandler) { on(.delete, template, handler: handler) }

    /// Adds a middleware around every request, including those answered 404 or 405.
    /// The first added is the outermost.
    public mutating func use(_ middleware: @escaping HTTPMiddleware) {
        self.middleware.append(middleware)
    }

    /// The route `method` and `segments` resolve to, without running anything.
    public func match(_ method: HTTPMethod, _ segments: [String]) -> RouteMatch {
        var parameters: [(String, String)] = []
        guard let node = tree.find(segments[...], parameters: &parameters) else { return .notFound }
        let values = Dictionary(parameters, uniquingKeysWith: { first, _ in first })
        if let entry = node.entry(for: method) {
            return .found(template: entry.template, parameters: values)
        }
        return .methodNotAllowed(allowed: node.allowedMethods)
    }

    public func respond(to request: HTTPRequest) async throws -> HTTPResponse {
        if middleware.isEmpty { return try await dispatch(request) }
        var chain: HTTPHandler = { request in try await self.dispatch(request) }
        for wrapper in middleware.reversed() {
            let next = chain
            chain = { request in try await wrapper(request, next) }
        }
        return try await chain(request)
    }

    public func respondImmediately(to request: HTTPRequest) throws -> HTTPResponse? {
        guard middleware.isEmpty else { return nil }
        switch resolve(request) {
        case .answered(let response): return response
        case .route(.immediate(let handler), let routed): return try Self.run(handler, routed)
        case .route(.task, _): return nil
        }
    }

    private func dispatch(_ request: HTTPRequest) async throws -> HTTPResponse {
        switch resolve(request) {
        case .answered(let response):
            return response
        case .route(.immediate(let handler), let routed):
            return try Self.run(handler, routed)
        case .route(.task(let handler), let routed):
            var response = try await handler(routed)
            response.route = routed.route
            return response
        }
    }

    private static func run(_ handler: HTTPImmediateHandler, _ request: HTTPRequest) throws -> HTTPResponse {
        var response = try handler(request)
        response.route = request.route
        return response
    }

    /// What a request resolves to: a handler with the request's route filled in, or an answer
    /// the router gives itself (404, 405, OPTIONS).
    private enum Resolution {
        case route(RouteHandler, HTTPRequest)
        case answered(HTTPResponse)
    }

    private func resolve(_ request: HTTPRequest) -> Resolution {
        if request.method == .options && request.target == "*" {
            // OPTIONS * asks about the server as a whole (RFC 9110 §9.3.7).
            let methods = Set(routes.map(\.method) + (routes.contains { $0.method == .get } ? [.head] : []))
            return .answered(HTTPResponse(status: .noContent, headers: ["Allow": methods.map(\.rawValue).sorted().joined(separator: ", ")]))
        }
        var parameters: [(String, String)] = []
        guard let node = tree.find(request.pathSegments[...], parameters: &parameters) else {
            return .answered(notFound(request))
        }
        let method = request.method
        guard let entry = node.entry(for: method) else {
            let allowed = node.allowedMethods
            if method == .options {
                return .answered(HTTPResponse(status: .noContent, headers: ["Allow": allowed.map(\.rawValue).joined(separator: ", ")]))
            }
            var response = methodNotAllowed(request, allowed)
            response.headers.set("Allow", allowed.map(\.rawValue).joined(separator: ", "))
            return .answered(response)
        }
        var routed = request
        routed.route = entry.template
        if !parameters.isEmpty {
            routed.parameters = Dictionary(parameters, uniquingKeysWith: { first, _ in first })
        }
        return .route(entry.handler, routed)
    }

    private static func templateSegments(_ template: String) -> [RouteSegment] {
        precondition(template.hasPrefix("/"), "route template \(template) must start with /")
        if template == "/" { return [] }
        return template.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { segment in
            if segment.hasPrefix("{") {
                precondition(segment.hasSuffix("}") && segment.count > 2, "malformed parameter \(segment) in \(template)")
                return .parameter(String(segment.dropFirst().dropLast()))
            }
            precondition(!segment.contains("{") && !segment.contains("}"), "partial parameter in \(template)")
            return .literal(String(segment))
        }
    }
}

/// What a method and path resolve to.
public enum RouteMatch: Sendable, Equatable {
    case found(template: String, parameters: [String: String])
    case methodNotAllowed(allowed: [HTTPMethod])
    case notFound
}
