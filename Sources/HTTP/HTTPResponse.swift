/// A response: status, fields and a body that is either whole bytes or a stream of chunks.
///
/// The server adds Date, Content-Length or `Transfer-Encoding: chunked`, Connection and
/// Request-Id; a handler sets only what is about its content.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: HTTPResponseBody
    /// The route template that produced this response, copied from the request by ``Router``
    /// so the completion hook can label metrics without the path's unbounded values.
    public var route: String?

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: HTTPResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body is `bytes`, with Content-Type set.
    public init(status: HTTPStatus = .ok, contentType: String, body: [UInt8], headers: HTTPHeaders = [:]) {
        self.status = status
        self.headers = headers
        self.headers.set("Content-Type", contentType)
        self.body = .bytes(body)
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }
}

/// The body of a response.
public enum HTTPResponseBody: Sendable {
    /// A body known in full, sent with Content-Length and gzip-compressed when the client allows.
    case bytes([UInt8])
    /// A body produced over time, sent with chunked coding (Content-Length is removed), for
    /// NDJSON or SSE progress. Each ``HTTPBodyWriter/write(_:)`` is one chunk on the wire, and
    /// waits while the connection's write buffer is above its high-water mark. Not compressed,
    /// so each chunk reaches the client as soon as it is written.
    case stream(@Sendable (HTTPBodyWriter) async throws -> Void)

    public static let empty = HTTPResponseBody.bytes([])
}

/// Writes chunks of a streamed response body.
public struct HTTPBodyWriter: Sendable {
    let sink: any HTTPBodySink

    /// Sends one chunk. Throws ``HTTPServerError/connectionClosed`` once the client has gone,
    /// so a producer can stop working for nobody.
    public func write(_ bytes: [UInt8]) async throws {
        if bytes.isEmpty { return }
        try await sink.write(bytes)
    }

    public func write(_ text: String) async throws {
        try await write(Array(text.utf8))
    }
}

/// Where a writer's chunks go: a connection, or a buffer in tests.
protocol HTTPBodySink: Sendable {
    func write(_ bytes: [UInt8]) async throws
}
