/// Something that answers requests: a ``Router``, a middleware chain, or a test double.
///
/// `respond` runs as a Swift task, never on an event-loop thread's I/O path. An error that escapes
/// it becomes a 500 with no details (map your errors to responses before that).
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) async throws -> HTTPResponse
}

/// An async handler of one request.
public typealias HTTPHandler = @Sendable (HTTPRequest) async throws -> HTTPResponse

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
