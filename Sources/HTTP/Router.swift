/// Maps a method and a path to a handler, with templates written as in OpenAPI:
/// `/v1/models/{m}/parameters/{path}`. Each `{name}` matches one whole, non-empty path segment
/// (after percent-decoding, so `a%2Fb` is one segment `a/b`); literal segments win over parameters.
///
/// Build it up with ``on(_:_:placement:body:handler:)``, ``deferred(_:_:placement:body:handler:)``,
/// ``inPlace(_:_:handler:)`` and friends, then hand it to the server: it is a value, so what the
/// server holds never changes. Each route declares where its handler runs; the router applies
/// that once per request, after matching. A path that matches no template gets 404; one that
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
    /// The routes registered with ``constant(_:_:_:)``, answered from the head.
    private var constants: [ConstantRoute] = []
    /// Methods with at least one route that plans its bodies: other requests skip the lookup.
    private var plannedMethods: [HTTPMethod] = []
    /// Makes the 404 response; the default is plain text.
    public var notFound: @Sendable (HTTPRequest) -> HTTPResponse = { _ in .text("Not Found\n", status: .notFound) }
    /// Makes the 405 response; the router adds `Allow`. The default is plain text.
    public var methodNotAllowed: @Sendable (HTTPRequest, [HTTPMethod]) -> HTTPResponse = { _, _ in
        .text("Method Not Allowed\n", status: .methodNotAllowed)
    }
    /// About how long a handler may compute on an event loop: a ``HandlerPlacement/byCost(_:)``
    /// route whose estimate exceeds it runs on the pool. Default 200 µs.
    public var inlineBudget: Duration = .microseconds(200)

    public init() {}

    /// Registers `handler` for `method` on `template`, to run where `placement` says (decided
    /// once per request, after matching). Registering a pair twice is a programmer error, as is a
    /// template that does not start with `/` or has a malformed `{}` segment.
    ///
    /// `body`, when given, decides per request where its body is read (``HTTPBodyPlan``): into
    /// storage the handler then owns (``HTTPRequest/bodyDestination``), for bodies too large to copy.
    public mutating func on(
        _ method: HTTPMethod, _ template: String, placement: HandlerPlacement = .concurrencyPool,
        body: HTTPBodyPlanner? = nil, handler: @escaping HTTPHandler
    ) {
        add(method, template, .task(handler, placement), bodyPlanner: body)
    }

    /// Registers `handler`, which takes each request and answers it later through its sink
    /// (``HTTPDeferredHandler``), with no task of its own: called in place on the event loop when
    /// `placement` puts the request there, else in a task on the pool. The middleware runs around
    /// it as around a task route: its `before` halves in place (a middleware that waits costs a
    /// task), its `after` halves on the response, wherever the handler sends it.
    public mutating func deferred(
        _ method: HTTPMethod, _ template: String, placement: HandlerPlacement = .eventLoop, body: HTTPBodyPlanner? = nil,
        handler: @escaping HTTPDeferredHandler
    ) {
        add(method, template, .deferred(handler, placement), bodyPlanner: body)
    }

    /// Registers a quick handler that the event loop calls in place, with no task (see
    /// ``HTTPInPlaceHandler``): probes and constants. Middleware does not wrap it (middleware
    /// may wait; an in-place handler must not).
    public mutating func inPlace(_ method: HTTPMethod, _ template: String, handler: @escaping HTTPInPlaceHandler) {
        add(method, template, .inPlace(handler))
    }

    /// Registers a constant answer (a probe's, say) for `method` on `template`, which has literal
    /// segments only: the server sends it, encoded once here, for a request without a body as
    /// soon as its head is accepted, with no request, handler or response made
    /// (``HTTPResponder/prebuiltResponse(for:)``). It is otherwise an in-place route returning
    /// `response`: HEAD falls back to a GET constant, middleware does not wrap it. `response`'s
    /// body must be whole bytes.
    public mutating func constant(_ method: HTTPMethod, _ template: String, _ response: HTTPResponse) {
        let segments = Self.templateSegments(template).map { segment in
            guard case .literal(let name) = segment else { preconditionFailure("constant route \(template) has a parameter") }
            return name
        }
        add(method, template, .inPlace { _ in response })
        constants.append(ConstantRoute(method: method, segments: segments, answer: PrebuiltResponse(response, route: template)))
        updateConstantHeads()
    }

    private mutating func add(_ method: HTTPMethod, _ template: String, _ handler: RouteHandler, bodyPlanner: HTTPBodyPlanner? = nil) {
        let segments = Self.templateSegments(template)
        unshareTree()
        tree.insert(segments[...], method: method, template: template, handler: handler, bodyPlanner: bodyPlanner)
        if bodyPlanner != nil && !plannedMethods.contains(method) { plannedMethods.append(method) }
        routes.append(Route(method: method, template: template))
        composeMiddleware()
        if method == .head { updateConstantHeads() }
    }

    /// Lets a GET constant answer HEAD too, unless its template has a HEAD route of its own.
    private mutating func updateConstantHeads() {
        let routes = self.routes
        constants = constants.map { constant in
            let template = constant.answer.route ?? ""
            let answersHead = constant.method == .get && !routes.contains(Route(method: .head, template: template))
            return ConstantRoute(method: constant.method, segments: constant.segments, answer: constant.answer, answersHead: answersHead)
        }
    }

    /// The constant answer of the route `head` names, if it is one (``constant(_:_:_:)``): the
    /// path's segments compared with each constant route's, shortest strings first.
    public func prebuiltResponse(for head: HTTPRequestHead) -> PrebuiltResponse? {
        if constants.isEmpty { return nil }
        let method = head.method
        let isHead = method == .head
        for index in constants.indices {
            let constant = constants[index]
            guard constant.method == method || (isHead && constant.answersHead), constant.matches(head.pathSegments) else { continue }
            return constant.answer
        }
        return nil
    }

    public mutating func get(_ template: String, placement: HandlerPlacement = .concurrencyPool, handler: @escaping HTTPHandler) {
        on(.get, template, placement: placement, handler: handler)
    }
    public mutating func post(_ template: String, placement: HandlerPlacement = .concurrencyPool, handler: @escaping HTTPHandler) {
        on(.post, template, placement: placement, handler: handler)
    }
    public mutating func put(_ template: String, placement: HandlerPlacement = .concurrencyPool, handler: @escaping HTTPHandler) {
        on(.put, template, placement: placement, handler: handler)
    }
    public mutating func patch(_ template: String, placement: HandlerPlacement = .concurrencyPool, handler: @escaping HTTPHandler) {
        on(.patch, template, placement: placement, handler: handler)
    }
    public mutating func delete(_ template: String, placement: HandlerPlacement = .concurrencyPool, handler: @escaping HTTPHandler) {
        on(.delete, template, placement: placement, handler: handler)
    }

    /// Adds a middleware around every task and deferred route and every answer the router gives
    /// itself (404, 405, OPTIONS), but not in-place routes. The first added is the outermost.
    /// The chain of a task route is composed here, once, not per request.
    public mutating func use(_ middleware: HTTPMiddleware) {
        self.middleware.append(middleware)
        composeMiddleware()
    }

    /// Copies the route tree before a change when another router value shares it (the tree is
    /// a class, walked by reference): a router is a value, so a copy never sees the original change.
    private mutating func unshareTree() {
        if !isKnownUniquelyReferenced(&tree) { tree = tree.copy() }
    }

    /// Wraps every task handler in the middleware, innermost last.
    private mutating func composeMiddleware() {
        let middleware = self.middleware
        unshareTree()
        tree.updateEntries { entry in
            guard case .task(let handler, _) = entry.handler else { return }
            entry = entry.wrapping(middleware.wrapping(handler))
        }
    }

    /// The route `method` and `segments` resolve to, without running anything.
    public func match(_ method: HTTPMethod, _ segments: [String]) -> RouteMatch {
        var parameters: [(String, String)] = []
        switch tree.lookup(segments[...], method: method, parameters: &parameters) {
        case nil:
            return .notFound
        case .entry(let entry):
            return .found(template: entry.template, parameters: Dictionary(parameters, uniquingKeysWith: { first, _ in first }))
        case .methodNotAllowed(let allowed):
            return .methodNotAllowed(allowed: allowed)
        }
    }

    /// Matches the request and decides, once, where it is answered: an in-place handler or an
    /// answer of the router's own (404, 405, OPTIONS) here, through the middleware when there is
    /// any (in place too, unless one waits); a task or deferred route on the loop or the pool as
    /// it was registered. The request is consumed: the route is filled into it in place rather
    /// than into a copy.
    public func dispatch(_ request: consuming HTTPRequest) throws -> HTTPDispatch {
        switch resolve(&request) {
        case .answered(let response):
            if middleware.isEmpty { return .answered(response) }
            let (middleware, routed) = (self.middleware, request)
            return .deferred { sink in middleware.run(routed, sink: sink) { _, sink in sink.send(response) } }
        case .route(let entry):
            switch entry.handler {
            case .inPlace(let handler):
                var response = try handler(request)
                response.route = entry.template
                return .answered(response)
            case .task(let handler, let placement):
                let run = entry.wrapped ?? handler
                let routed = request
                let work: @Sendable () async throws -> HTTPResponse = {
                    var response = try await run(routed)
                    response.route = routed.route
                    return response
                }
                return runsOnLoop(placement, routed) ? .onEventLoop(work) : .onPool(work)
            case .deferred(let handler, let placement):
                let (middleware, routed, template) = (self.middleware, request, entry.template)
                guard runsOnLoop(placement, routed) else {
                    return .onPool {
                        try await withCheckedThrowingContinuation { continuation in
                            let sink = HTTPResponseSink(.callback { continuation.resume(with: $0) }, route: template)
                            middleware.run(routed, sink: sink, route: handler)
                        }
                    }
                }
                return .deferred { sink in
                    var sink = sink
                    sink.route = template
                    middleware.run(routed, sink: sink, route: handler)
                }
            }
        }
    }

    /// Whether `placement` puts `request` on the event loop.
    private func runsOnLoop(_ placement: HandlerPlacement, _ request: HTTPRequest) -> Bool {
        switch placement {
        case .eventLoop: true
        case .concurrencyPool: false
        case .byCost(let estimate): estimate(request) <= inlineBudget
        }
    }

    /// The plan of the route `request` matches, if it declared a planner; else buffered.
    public func bodyPlan(for request: HTTPRequest) -> HTTPBodyPlan {
        var routed = request
        return bodyPlan(routing: &routed)
    }

    /// ``bodyPlan(for:)``, keeping the route found in `request` for ``dispatch(_:)``.
    public func bodyPlan(routing request: inout HTTPRequest) -> HTTPBodyPlan {
        guard plannedMethods.contains(request.method) else { return .buffered }
        guard case .route(let entry) = resolve(&request) else { return .buffered }
        request.resolvedRoute = ResolvedRoute(entry: entry, parameters: request.parameters)
        return entry.bodyPlanner?(request) ?? .buffered
    }

    /// What a request resolves to: a route's entry (the request's route and parameters are then
    /// filled in), or an answer the router gives itself (404, 405, OPTIONS).
    private enum Resolution {
        case route(RouteNode.Entry)
        case answered(HTTPResponse)
    }

    private func resolve(_ request: inout HTTPRequest) -> Resolution {
        if let resolved = request.resolvedRoute {
            // Taken once: a request changed and dispatched again is looked up afresh.
            request.resolvedRoute = nil
            request.route = resolved.entry.template
            request.parameters = resolved.parameters
            return .route(resolved.entry)
        }
        if request.method == .options && request.target == "*" {
            // OPTIONS * asks about the server as a whole (RFC 9110 §9.3.7).
            let methods = Set(routes.map(\.method) + (routes.contains { $0.method == .get } ? [.head] : []))
            return .answered(HTTPResponse(status: .noContent, headers: ["Allow": methods.map(\.rawValue).sorted().joined(separator: ", ")]))
        }
        var parameters: [(String, String)] = []
        let method = request.method
        let entry: RouteNode.Entry
        switch tree.lookup(request.pathSegments[...], method: method, parameters: &parameters) {
        case nil:
            return .answered(notFound(request))
        case .entry(let found):
            entry = found
        case .methodNotAllowed(let allowed):
            if method == .options {
                return .answered(HTTPResponse(status: .noContent, headers: ["Allow": allowed.map(\.rawValue).joined(separator: ", ")]))
            }
            var response = methodNotAllowed(request, allowed)
            response.headers.set("Allow", allowed.map(\.rawValue).joined(separator: ", "))
            return .answered(response)
        }
        request.route = entry.template
        if !parameters.isEmpty {
            request.parameters = Dictionary(parameters, uniquingKeysWith: { first, _ in first })
        }
        return .route(entry)
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

/// A route registered with ``Router/constant(_:_:_:)``: its method, its literal segments and
/// its encoded answer. A class: the per-request search copies out one reference, not its arrays.
private final class ConstantRoute: Sendable {
    let method: HTTPMethod
    let segments: [String]
    let answer: PrebuiltResponse
    /// A GET route whose template has no HEAD route: HEAD is answered by it too.
    let answersHead: Bool

    init(method: HTTPMethod, segments: [String], answer: PrebuiltResponse, answersHead: Bool = false) {
        self.method = method
        self.segments = segments
        self.answer = answer
        self.answersHead = answersHead
    }

    /// Whether `path` (a request's segments) is this route's. Lengths first: `String`'s `==`
    /// takes its slow path for different short strings.
    func matches(_ path: [String]) -> Bool {
        guard path.count == segments.count else { return false }
        for index in segments.indices {
            let (mine, theirs) = (segments[index], path[index])
            guard mine.utf8.count == theirs.utf8.count, mine == theirs else { return false }
        }
        return true
    }
}

/// What a method and path resolve to.
public enum RouteMatch: Sendable, Equatable {
    case found(template: String, parameters: [String: String])
    case methodNotAllowed(allowed: [HTTPMethod])
    case notFound
}
