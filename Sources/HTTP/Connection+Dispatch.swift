extension Connection {
    /// Hands a complete request to the responder, which decides where it is answered: in place
    /// (the response is returned now), through a sink it takes now and answers later, or in a
    /// task on this loop or on the pool (delivered back on this loop through ``deliver(_:answering:)``;
    /// nil here).
    ///
    /// A gzip body is inflated in a task on the pool before the responder sees it, so that CPU
    /// cost never lands on the event loop; compressing a task's response happens in its task too.
    func dispatch(_ request: consuming HTTPRequest) -> HTTPResponse? {
        let server = self.server
        // `request.head.headers`, not `request.headers`: the computed property copies the fields.
        let acceptsGzip = server.configuration.compression.isEnabled && ContentCoding.acceptsGzip(request.head.headers)
        let (requestID, isHead) = (request.id, request.method == .head)
        // Made only for a task: an in-place answer needs none of it.
        func reply() -> Reply {
            Reply(
                loop: loop, id: id, exchange: machine.requestsServed, server: server, requestID: requestID, isHead: isHead,
                acceptsGzip: acceptsGzip)
        }
        if request.head.headers.mayContain(.contentEncoding) && request.head.headers.contains("Content-Encoding") {
            let reply = reply()
            let compressed = request
            Task { await reply.serve(inflating: compressed) }
            return nil
        }
        let decision: HTTPDispatch
        do {
            decision = try server.responder.dispatch(request)
        } catch {
            server.hooks.handlerFailed(requestID, error)
            return server.hooks.errorResponse(.internalServerError, nil)
        }
        // Consumed: an answer made in place moves through to the machine, with no copy.
        switch consume decision {
        case .answered(let response):
            return ContentCoding.compressIfWorthwhile(response, acceptsGzip: acceptsGzip, policy: server.configuration.compression)
        case .deferred(let take):
            // An answer sent while `take` runs is queued, not delivered inside this dispatch:
            // the connection is in the middle of `perform`.
            let outer = loop.isDispatching
            loop.isDispatching = true
            take(HTTPResponseSink(.connection(reply())))
            loop.isDispatching = outer
        case .onEventLoop(let work):
            let reply = reply()
            Task(executorPreference: loop) { await reply.serve(work) }
        case .onPool(let work):
            let reply = reply()
            Task(executorPreference: globalConcurrentExecutor) { await reply.serve(work) }
        }
        return nil
    }

    /// Runs the producer of a streamed body answered in place, in a task of its own.
    func streamInPlace(_ producer: @escaping @Sendable (HTTPBodyWriter) async throws -> Void, requestID: String, isHead: Bool) {
        let server = self.server
        let reply = Reply(
            loop: loop, id: id, exchange: machine.requestsServed, server: server, requestID: requestID, isHead: isHead,
            acceptsGzip: false)
        Task { await reply.stream(producer) }
    }
}

/// What a task needs to answer one request and hand the response back to its connection.
struct Reply: Sendable {
    let loop: EventLoop
    let id: UInt64
    /// Which of the connection's requests this answers (``ConnectionMachine/requestsServed`` when
    /// it was dispatched): a response for an exchange already answered is dropped, so a sink
    /// called twice can never answer the next pipelined request in the first one's place.
    let exchange: Int
    let server: ServerContext
    let requestID: String
    let isHead: Bool
    let acceptsGzip: Bool

    /// Runs the responder's work, then delivers on the loop; for a stream, runs its producer here.
    func serve(_ work: @Sendable () async throws -> HTTPResponse) async {
        let response: HTTPResponse
        do {
            response = ContentCoding.compressIfWorthwhile(
                try await work(), acceptsGzip: acceptsGzip, policy: server.configuration.compression)
        } catch {
            server.hooks.handlerFailed(requestID, error)
            response = server.hooks.errorResponse(.internalServerError, nil)
        }
        hand(response)
        if case .stream(let producer) = response.body { await stream(producer) }
    }

    /// Delivers a deferred answer (``HTTPResponseSink/send(_:)``): compressed here, a stream's
    /// producer run in a task of its own.
    func deliver(_ response: consuming HTTPResponse) {
        let response = ContentCoding.compressIfWorthwhile(response, acceptsGzip: acceptsGzip, policy: server.configuration.compression)
        hand(response)
        if case .stream(let producer) = response.body {
            let reply = self
            Task { await reply.stream(producer) }
        }
    }

    /// The server's 500 for an error a handler reported rather than threw.
    func fail(_ error: any Error) {
        server.hooks.handlerFailed(requestID, error)
        hand(server.hooks.errorResponse(.internalServerError, nil))
    }

    /// Gives `response` to the connection: at once on the loop, else through its inbox (also
    /// on the loop while it is dispatching, which must not be re-entered).
    private func hand(_ response: HTTPResponse) {
        let (loop, id, exchange) = (self.loop, self.id, self.exchange)
        if loop.isCurrent && !loop.isDispatching {
            loop.connections[id]?.deliver(response, answering: exchange)
        } else {
            loop.execute { loop.connections[id]?.deliver(response, answering: exchange) }
        }
    }

    /// Inflates a gzip body, then answers as the responder decides, here (already off the loop).
    func serve(inflating request: HTTPRequest) async {
        var request = request
        do {
            if let encoding = request.headers["Content-Encoding"], !HTTPHeaders.namesEqual(encoding.trimmingOWS(), "identity") {
                request.body = try Gzip.decompress(request.body, limit: server.configuration.limits.maxInflatedBodyBytes)
            }
            request.head.headers.remove("Content-Encoding")
        } catch {
            let refusal = server.hooks.errorResponse(error.status, error)
            await serve { refusal }
            return
        }
        let inflated = request
        await serve { try await server.responder.respond(to: inflated) }
    }

    /// Runs a streamed body's producer, then ends the stream on the loop.
    func stream(_ producer: @Sendable (HTTPBodyWriter) async throws -> Void) async {
        var succeeded = true
        if !isHead {
            do {
                try await producer(HTTPBodyWriter(sink: ConnectionSink(loop: loop, connectionID: id)))
            } catch {
                if !(error is HTTPServerError) { server.hooks.handlerFailed(requestID, error) }
                succeeded = false
            }
        }
        let (loop, id, finished) = (self.loop, self.id, succeeded)
        loop.execute { loop.connections[id]?.finishStream(succeeded: finished) }
    }
}

/// Sends a streamed body's chunks to a connection on its loop, waiting out backpressure.
struct ConnectionSink: HTTPBodySink {
    let loop: EventLoop
    let connectionID: UInt64

    func write(_ bytes: [UInt8]) async throws {
        try await send { connection, continuation in connection.writeChunk(bytes, continuation: continuation) }
    }

    func write(borrowing bytes: BorrowedBytes) async throws {
        try await send { connection, continuation in connection.writeChunk(bytes, continuation: continuation) }
    }

    /// Runs `queue` on the loop with the connection, if it is still streaming this body.
    private func send(_ queue: @escaping @Sendable (Connection, CheckedContinuation<Void, any Error>) -> Void) async throws {
        let loop = self.loop
        let id = connectionID
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            loop.execute {
                guard let connection = loop.connections[id], connection.machine.isStreaming else {
                    continuation.resume(throwing: HTTPServerError.connectionClosed)
                    return
                }
                queue(connection, continuation)
            }
        }
    }
}
