/// Something that answers requests: a ``Router``, a middleware chain, or a test double.
///
/// `respond` runs as a Swift task, never on an event-loop thread's I/O path. An error that escapes
/// it becomes a 500 with no details (map your errors to responses before that).
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) async throws -> HTTPResponse

    /// The response, made in place on the event loop when it needs no waiting (an immediate
    /// route, a 404 or a 405); nil sends the request to ``respond(to:)`` in a task instead.
    /// Creating that task and hopping to it costs a small request as much as its own work.
    func respondImmediately(to request: HTTPRequest) throws -> HTTPResponse?
}

extension HTTPResponder {
    public func respondImmediately(to request: HTTPRequest) throws -> HTTPResponse? { nil }
}

/// An async handler of one request.
public typealias HTTPHandler = @Sendable (HTTPRequest) async throws -> HTTPResponse

/// A handler that never waits and finishes in microseconds (a health check, a constant, an
/// echo): the event loop calls it in place, without a task. Anything that may block, wait or
/// compute for long belongs in an ``HTTPHandler``.
public typealias HTTPImmediateHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// A function that wraps the rest of the chain: it may answer itself or call `next`.
public typealias HTTPMiddleware = @Sendable (HTTPRequest, _ next: HTTPHandler) async throws -> HTTPResponse

/// A responder made from a closure.
public struct HTTPClosureResponder: HTTPResponder {
    private let handler: HTTPHandler

    public init(_ handler: @escaping HTTPHandler) { self.handler = handler }

    public func respond(to request: HTTPRequest) async throws -> HTTPResponse {
        try await handler(request)
    }
}
