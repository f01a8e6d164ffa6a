/// Code around the router's routes and its own answers (404, 405, OPTIONS), in two synchronous
/// halves: ``before`` looks at the request and lets it through, answers it, or waits for
/// something first; ``after`` adjusts the response on its way out.
///
/// Halves rather than a function around `next`: a route answered without a task
/// (``Router/deferred(_:_:placement:body:handler:)``, the router's own answers) runs the same
/// middleware on the event loop, in place, and only a middleware that must wait costs a task.
/// The first added (``Router/use(_:)``) is the outermost: its `before` runs first, its `after`
/// last; one that answers is seen by the `after` of those outside it only.
public struct HTTPMiddleware: Sendable {
    /// What ``before`` decides.
    public enum Verdict: Sendable {
        /// On to the next middleware, then the route.
        case proceed
        /// This is the response: the route is not called.
        case answer(HTTPResponse)
        /// `work` runs in a task first (waiting for the service to be ready, a replica to catch
        /// up); it returns the response, or nil to proceed. What it throws becomes a 500 and
        /// reaches ``HTTPServerHooks/handlerFailed``.
        case wait(@Sendable () async throws -> HTTPResponse?)
    }

    public var before: @Sendable (HTTPRequest) -> Verdict
    /// Nil when the middleware leaves responses alone (no work per response).
    public var after: (@Sendable (HTTPRequest, inout HTTPResponse) -> Void)?

    public init(
        before: @escaping @Sendable (HTTPRequest) -> Verdict = { _ in .proceed },
        after: (@Sendable (HTTPRequest, inout HTTPResponse) -> Void)? = nil
    ) {
        self.before = before
        self.after = after
    }
}

extension [HTTPMiddleware] {
    /// `handler` inside every middleware of the list, for a task: composed once per route.
    func wrapping(_ handler: @escaping HTTPHandler) -> HTTPHandler {
        reversed().reduce(handler) { next, middleware in
            { request in
                switch middleware.before(request) {
                case .proceed:
                    break
                case .answer(let response):
                    return response
                case .wait(let work):
                    if let response = try await work() { return response }
                }
                var response = try await next(request)
                middleware.after?(request, &response)
                return response
            }
        }
    }

    /// Runs the `before` halves from `start` on in place, then `route`; the `after` halves go on
    /// `sink`, so they apply wherever and whenever the route answers. A middleware that waits
    /// continues the chain in a task, once it is done.
    func run(from start: Int = 0, _ request: HTTPRequest, sink: HTTPResponseSink, route: @escaping HTTPDeferredHandler) {
        var sink = sink
        for index in start..<count {
            let middleware = self[index]
            switch middleware.before(request) {
            case .proceed:
                if let after = middleware.after { sink = sink.mapping { after(request, &$0) } }
            case .answer(let response):
                sink.send(response)
                return
            case .wait(let work):
                let (rest, waiting) = (self, sink)
                Task {
                    do {
                        if let response = try await work() { return waiting.send(response) }
                    } catch {
                        return waiting.fail(error)
                    }
                    var sink = waiting
                    if let after = middleware.after { sink = sink.mapping { after(request, &$0) } }
                    rest.run(from: index + 1, request, sink: sink, route: route)
                }
                return
            }
        }
        route(request, sink)
    }
}
