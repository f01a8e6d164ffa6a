/// Points where the service takes part in request handling without being a handler.
public struct HTTPServerHooks: Sendable {
    /// Called on the event loop with each head, before any body byte is read and before a
    /// `100 Continue` is sent, so a 401, 413 or 415 costs the client no upload. Must be quick and
    /// must not block. Default: proceed.
    public var headReceived: @Sendable (HTTPRequestHead) -> HTTPHeadDecision = { _ in .proceed }
    /// Called once per request after its response is written (or the connection failed),
    /// on the event loop: must be quick. Default: nothing.
    public var requestCompleted: @Sendable (HTTPRequestSummary) -> Void = { _ in }
    /// Whether ``requestCompleted`` reads ``HTTPRequestSummary/id``. When false, a summary's id
    /// is empty if the server made it and the request needed no text of it (a constant route's:
    /// the id is still sent in the response's Request-Id): making that text was a good part of
    /// such a request's cost. Default: true.
    public var completionReadsRequestID = true
    /// Told of every error that escaped a responder or a streamed body's producer, with the
    /// request's id, so it can be logged: the client sees a 500 (or, mid-stream, a truncated
    /// body) without details. Called on any thread. Default: nothing.
    public var handlerFailed: @Sendable (_ requestID: String, _ error: any Error) -> Void = { _, _ in }
    /// Makes the response for a request the server refuses itself (malformed input, limits,
    /// timeouts); the status is decided, the body and Content-Type are yours. Default: plain text.
    public var errorResponse: @Sendable (HTTPStatus, HTTPParseError?) -> HTTPResponse = { status, error in
        .text(error.map { "\(status.reasonPhrase): \($0)\n" } ?? "\(status.reasonPhrase)\n", status: status)
    }

    public init() {}
}

/// What to do with a request whose head has arrived.
public enum HTTPHeadDecision: Sendable {
    /// Read the body (within the configured limit) and call the responder.
    case proceed
    /// Read the body, but refuse it with 413 beyond `maxBodyBytes` (which may exceed the configured
    /// limit only for chunked bodies; Content-Length above the configured limit is already refused).
    case proceedWithBodyLimit(Int)
    /// Answer now without reading the body; the connection closes if a body was announced.
    case respond(HTTPResponse)
}

/// One finished request, for logs and metrics.
public struct HTTPRequestSummary: Sendable {
    public var id: String
    public var method: HTTPMethod
    /// The route template (e.g. `/v1/models/{m}`), nil when no route matched.
    public var route: String?
    /// The raw target, for logs; do not use it as a metrics label (unbounded values).
    public var target: String
    public var status: HTTPStatus
    /// Bytes of head and body as received on the wire.
    public var bytesIn: Int
    /// Bytes of head and body as sent (after compression, with chunk framing).
    public var bytesOut: Int
    /// From the first byte of the request to the last byte of the response handed to the kernel.
    public var duration: Duration
    public var remoteAddress: String
    /// False when the connection failed before the response was complete.
    public var completed: Bool
    /// The index of the event loop that served it (0 to the loop count − 1): state kept per loop
    /// (metrics counted apart, without contention) is found with it.
    public var eventLoop: Int = 0
}
