extension Connection {
    /// Hands a complete request to the responder in a task, and the response back to this loop.
    ///
    /// Inflating the body and compressing the response happen in that task too, so their CPU cost
    /// never lands on the event loop's I/O path (with ``HandlerPlacement/concurrencyPool``).
    func dispatch(_ request: HTTPRequest) {
        phase = .responding
        let loop = self.loop
        let id = self.id
        let server = self.server
        let isHead = request.method == .head
        let acceptsGzip = server.configuration.compression.isEnabled && ContentCoding.acceptsGzip(request.headers)
        if request.headers["Content-Encoding"] == nil, let response = Self.respondImmediately(to: request, server: server, acceptsGzip: acceptsGzip) {
            deliver(response)
            if case .stream(let producer) = response.body {
                Task { await Connection.stream(producer, loop: loop, id: id, isHead: isHead) }
            }
            return
        }
        let placement = server.hooks.handlerPlacement(request.head) ?? server.configuration.handlerPlacement
        let executor: (any TaskExecutor)? = placement == .eventLoop ? loop : nil
        Task(executorPreference: executor) {
            await Connection.serve(request, loop: loop, id: id, server: server, isHead: isHead, acceptsGzip: acceptsGzip)
        }
    }

    /// An immediate route's response, made here on the loop; nil when the request needs a task.
    private static func respondImmediately(to request: HTTPRequest, server: ServerContext, acceptsGzip: Bool) -> HTTPResponse? {
        do {
            guard let response = try server.responder.respondImmediately(to: request) else { return nil }
            return ContentCoding.compressIfWorthwhile(response, acceptsGzip: acceptsGzip, policy: server.configuration.compression)
        } catch {
            return server.hooks.errorResponse(.internalServerError, nil)
        }
    }

    /// The task's body: respond, then deliver on the loop; for a stream, run its producer here.
    private static func serve(
        _ request: HTTPRequest, loop: EventLoop, id: UInt64, server: ServerContext, isHead: Bool, acceptsGzip: Bool
    ) async {
        let response = await respond(to: request, server: server, acceptsGzip: acceptsGzip)
        loop.executeSoon { loop.connections[id]?.deliver(response) }
        if case .stream(let producer) = response.body {
            await stream(producer, loop: loop, id: id, isHead: isHead)
        }
    }

    /// Runs a streamed body's producer, then ends the stream on the loop.
    private static func stream(
        _ producer: @Sendable (HTTPBodyWriter) async throws -> Void, loop: EventLoop, id: UInt64, isHead: Bool
    ) async {
        var succeeded = true
        if !isHead {
            do {
                try await producer(HTTPBodyWriter(sink: ConnectionSink(loop: loop, connectionID: id)))
            } catch {
                succeeded = false
            }
        }
        let finished = succeeded
        loop.execute { loop.connections[id]?.finishStream(succeeded: finished) }
    }

    private static func respond(to request: HTTPRequest, server: ServerContext, acceptsGzip: Bool) async -> HTTPResponse {
        var request = request
        do {
            if let encoding = request.headers["Content-Encoding"], !HTTPHeaders.namesEqual(encoding.trimmingOWS(), "identity") {
                request.body = try Gzip.decompress(request.body, limit: server.configuration.limits.maxInflatedBodyBytes)
                request.head.headers.remove("Content-Encoding")
            }
        } catch {
            return server.hooks.errorResponse(error.status, error)
        }
        do {
            let response = try await server.responder.respond(to: request)
            return ContentCoding.compressIfWorthwhile(response, acceptsGzip: acceptsGzip, policy: server.configuration.compression)
        } catch {
            return server.hooks.errorResponse(.internalServerError, nil)
        }
    }
}

/// Sends a streamed body's chunks to a connection on its loop, waiting out backpressure.
struct ConnectionSink: HTTPBodySink {
    let loop: EventLoop
    let connectionID: UInt64

    func write(_ bytes: [UInt8]) async throws {
        let loop = self.loop
        let id = connectionID
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            loop.execute {
                guard let connection = loop.connections[id], connection.isStreaming else {
                    continuation.resume(throwing: HTTPServerError.connectionClosed)
                    return
                }
                connection.writeChunk(bytes, continuation: continuation)
            }
        }
    }
}
