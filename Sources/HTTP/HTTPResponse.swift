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

    /// Sends one chunk without copying it: the connection writes straight from `bytes`, which
    /// their owner keeps alive until the socket has taken them (or the connection is gone).
    /// Waits for backpressure like ``write(_:)``; one borrowed chunk may be large (megabytes),
    /// since it costs no memory of its own.
    public func write(borrowing bytes: BorrowedBytes) async throws {
        if bytes.count == 0 { return }
        try await sink.write(borrowing: bytes)
    }
}

/// Bytes a streamed body lends to the connection instead of copying: `owner` holds them alive
/// and unchanged for as long as this value exists (a snapshot's tensor, for instance).
public struct BorrowedBytes: @unchecked Sendable {
    let base: UnsafeRawPointer
    public let count: Int
    let owner: AnyObject

    /// `count` bytes at `base`, valid and immutable while `owner` lives.
    public init(base: UnsafeRawPointer, count: Int, owner: AnyObject) {
        precondition(count >= 0, "a negative byte count")
        self.base = base
        self.count = count
        self.owner = owner
    }

    /// A copy of the bytes, for sinks that keep what they are given.
    public var copied: [UInt8] { Array(UnsafeRawBufferPointer(start: base, count: count)) }
}

/// Where a writer's chunks go: a connection, or a buffer in tests.
protocol HTTPBodySink: Sendable {
    func write(_ bytes: [UInt8]) async throws
    /// Sends bytes without a copy where the sink can; by default they are copied.
    func write(borrowing bytes: BorrowedBytes) async throws
}

extension HTTPBodySink {
    func write(borrowing bytes: BorrowedBytes) async throws {
        try await write(bytes.copied)
    }
}
