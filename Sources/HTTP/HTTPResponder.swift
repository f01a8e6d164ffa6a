/// Something that answers requests: a ``Router`` or a test double.
///
/// The server calls ``dispatch(_:)`` on the event loop once a request is complete: it decides,
/// once, where the answer is made — in place, later through a sink, or in a task on the loop or
/// on the pool.
public protocol HTTPResponder: Sendable {
    /// Matches `request` and says how to answer it. Runs on the event loop: must be quick (a
    /// lookup and a cost estimate, or an in-place handler that never waits). A thrown error
    /// becomes a 500, reported to ``HTTPServerHooks/handlerFailed``.
    func dispatch(_ request: consuming HTTPRequest) throws -> HTTPDispatch

    /// Where the body of `request` (its head only) is to be read; see ``HTTPBodyPlan``. Runs on
    /// the event loop for Content-Length bodies without Content-Encoding. Default: buffered.
    func bodyPlan(for request: HTTPRequest) -> HTTPBodyPlan

    /// ``bodyPlan(for:)`` for the server, which then dispatches this same `request`: a responder
    /// may note in it what it found (the ``Router`` its route), so that ``dispatch(_:)`` need not
    /// find it again. Default: ``bodyPlan(for:)``.
    func bodyPlan(routing request: inout HTTPRequest) -> HTTPBodyPlan

    /// A constant answer to the request whose head this is (``PrebuiltResponse``, a route
    /// registered with ``Router/constant(_:_:_:)``), sent as it is without making the request or
    /// calling ``dispatch(_:)``. Asked on the event loop for requests without a body, after
    /// ``HTTPServerHooks/headReceived`` let them proceed. Default: none.
    func prebuiltResponse(for head: HTTPRequestHead) -> PrebuiltResponse?
}

/// How a request is answered, decided on the event loop by ``HTTPResponder/dispatch(_:)``.
public enum HTTPDispatch: Sendable {
    /// The response, made in place: no task, no thread hop.
    case answered(HTTPResponse)
    /// The event loop calls `take` in place, right away, with the request's one-shot sink; the
    /// answer goes through the sink, now or later, from any thread (``HTTPResponseSink``): no
    /// task, and no thread hop when it is answered on the loop. `take` must not block.
    case deferred(@Sendable (HTTPResponseSink) -> Void)
    /// `work` runs as a task on the connection's event loop: no thread hops, but a long
    /// computation stalls the loop's other connections.
    case onEventLoop(@Sendable () async throws -> HTTPResponse)
    /// `work` runs as a task on Swift's global pool: safe for any work, two thread hops.
    case onPool(@Sendable () async throws -> HTTPResponse)
}

/// Where a route's handler runs, declared where the route is registered
/// (``Router/on(_:_:placement:body:handler:)``, ``Router/deferred(_:_:placement:body:handler:)``)
/// and applied by the router after matching: for a deferred route, `eventLoop` means in place,
/// with no task. In-place routes, which need no task at all, are registered with
/// ``Router/inPlace(_:_:handler:)``.
public enum HandlerPlacement: Sendable {
    /// A task on Swift's global pool: a handler that computes for long, or blocks on a disk,
    /// never delays I/O of other connections. Costs two thread hops per request.
    case concurrencyPool
    /// A task on the connection's event loop: no thread hops, so the fastest for handlers that
    /// only await or compute briefly.
    case eventLoop
    /// The event loop when the request's estimated CPU cost fits ``Router/inlineBudget``, else
    /// the pool: for handlers whose work grows with the request or the resource it names.
    case byCost(@Sendable (HTTPRequest) -> Duration)
}

/// An async handler of one request.
public typealias HTTPHandler = @Sendable (HTTPRequest) async throws -> HTTPResponse

/// A handler that never waits and finishes in microseconds (a health check, a constant, an
/// echo): the event loop calls it in place, without a task. Anything that may block, wait or
/// compute for long belongs in an ``HTTPHandler``.
public typealias HTTPInPlaceHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// A handler that takes its request and answers later through `sink` (``HTTPResponseSink``),
/// without a task of its own: one that gathers the requests of a turn of the event loop and
/// answers them together, or hands them to work already running. It is called where its route's
/// placement says: in place on the event loop (where it must not block), or in a task on the pool.
public typealias HTTPDeferredHandler = @Sendable (HTTPRequest, _ sink: HTTPResponseSink) -> Void

extension HTTPResponder {
    public func bodyPlan(for request: HTTPRequest) -> HTTPBodyPlan { .buffered }

    public func bodyPlan(routing request: inout HTTPRequest) -> HTTPBodyPlan { bodyPlan(for: request) }

    public func prebuiltResponse(for head: HTTPRequestHead) -> PrebuiltResponse? { nil }

    /// Answers `request` wherever the caller runs, ignoring placement: for tests and tools
    /// that drive a responder without a server.
    public func respond(to request: HTTPRequest) async throws -> HTTPResponse {
        switch try dispatch(request) {
        case .answered(let response): return response
        case .onEventLoop(let work), .onPool(let work): return try await work()
        case .deferred(let take):
            return try await withCheckedThrowingContinuation { continuation in
                take(HTTPResponseSink { continuation.resume(with: $0) })
            }
        }
    }
}
