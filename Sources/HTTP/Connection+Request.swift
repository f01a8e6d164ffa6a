/// What the server records about the request being served, for the completion hook.
struct Exchange {
    var id: String
    var method: HTTPMethod
    var target: String
    var version: HTTPVersion
    var startedAt: UInt64
    var bytesIn: Int
    var bytesOut = 0
    var isHead: Bool
    var keepAlive: Bool
    var status = HTTPStatus.internalServerError
    var route: String?
}

extension Connection {
    /// Parses and starts as many requests as the phase allows. Re-entrant calls (a response
    /// finished while parsing) return at once; the outer loop sees the new phase.
    func process() {
        if isProcessing { return }
        isProcessing = true
        defer { isProcessing = false }
        do {
            while true {
                switch phase {
                case .awaitingHead:
                    if output.byteCount > server.configuration.limits.writeBufferHighWater { return }
                    if unreadCount == 0 {
                        if peerClosed || draining { closeAfterFlushing() }
                        return
                    }
                    let parsed = try input.withUnsafeBufferPointer { buffer throws(HTTPParseError) in
                        try parser.parseHead(UnsafeBufferPointer(rebasing: buffer[inputStart...]))
                    }
                    guard let (head, consumed) = parsed else {
                        if headStartedAt == nil { headStartedAt = loop.now }
                        if peerClosed { closeAfterFlushing() }
                        return
                    }
                    consume(consumed)
                    begin(head, headBytes: consumed)
                case .readingBody:
                    guard let current = reading else { return }
                    if current.decoder.isComplete {
                        dispatchCompleteBody()
                        continue
                    }
                    if unreadCount == 0 {
                        // The client half-closed before the body's end: say so rather than vanish.
                        if peerClosed { fail(status: .badRequest, error: .incompleteBody) }
                        return
                    }
                    let consumed: Int
                    if let destination = current.destination {
                        consumed = min(unreadCount, destination.byteCount - current.filled)
                        storeDirectBody(from: inputStart, count: consumed)
                    } else {
                        consumed = try input.withUnsafeBufferPointer { buffer throws(HTTPParseError) in
                            try reading?.decoder.decode(UnsafeBufferPointer(rebasing: buffer[inputStart...]), into: &body) ?? 0
                        }
                    }
                    // A chunk-size line or trailer cut by a read boundary consumes nothing until
                    // its end arrives: wait for more bytes rather than spin on the same ones.
                    guard consumed > 0 || reading?.decoder.isComplete == true else {
                        if peerClosed { fail(status: .badRequest, error: .incompleteBody) }
                        return
                    }
                    consume(consumed)
                    exchange?.bytesIn += consumed
                case .handshaking, .responding, .lingering, .closed:
                    return
                }
            }
        } catch {
            fail(status: error.status, error: error)
        }
    }

    /// Hands the request whose body is complete to its handler.
    private func dispatchCompleteBody() {
        guard let finished = reading, let exchange else { return }
        var request = HTTPRequest(
            head: finished.head, body: body, trailers: finished.decoder.trailers, id: exchange.id, remoteAddress: remoteAddress)
        if let own = finished.destination as? ByteBodyDestination {
            request.body = own.take()
        } else {
            request.bodyDestination = finished.destination
        }
        reading = nil
        body = []
        dispatch(request)
    }

    /// Copies `count` buffered input bytes from `start` into the body's destination.
    private func storeDirectBody(from start: Int, count: Int) {
        guard let current = reading, let destination = current.destination else { return }
        let filled = current.filled
        destination.withUnsafeMutableBytes { target in
            input.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: target[filled..<(filled + count)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<(start + count)]))
            }
        }
        bodyBytesStored(count)
    }

    /// Counts `count` bytes written into the body's destination.
    private func bodyBytesStored(_ count: Int) {
        reading?.filled += count
        reading?.decoder.advanceLength(by: count)
    }

    /// Reads body bytes from the socket (or TLS) straight into the body's destination, sparing
    /// the two copies of the buffered path (scratch → input → body). Only when nothing is
    /// buffered, and never past the body's end, so a pipelined request behind it stays unread.
    /// - Returns: what the read returned: nil when it would block, ≤ 0 at the end or on error.
    func readBodyDirectly() -> Int? {
        guard let current = reading, let destination = current.destination else { return nil }
        let filled = current.filled
        let count = destination.withUnsafeMutableBytes { target in
            let free = UnsafeMutableRawBufferPointer(rebasing: target[filled...])
            if let tls {
                var wantsWrite = false
                return tls.read(into: free, wantsWrite: &wantsWrite)
            }
            return Socket.read(fd, into: free)
        }
        if let count, count > 0 {
            bodyBytesStored(count)
            exchange?.bytesIn += count
        }
        return count
    }

    /// Whether the next read should go straight into the body's destination: a Content-Length
    /// body read in place, with nothing buffered ahead of it.
    var readsBodyDirectly: Bool {
        guard phase == .readingBody, let reading, reading.destination != nil else { return false }
        return unreadCount == 0 && !reading.decoder.isComplete
    }

    /// Bodies of at least this many bytes (Content-Length) are read into a buffer of their full
    /// size up front and, over plain TCP, straight from the socket.
    static let directBodyThreshold = 32 << 10

    /// Starts serving a request whose head has arrived: hook, limits, 100-continue.
    private func begin(_ head: HTTPRequestHead, headBytes: Int) {
        let exchangeID = requestID(for: head)
        exchange = Exchange(
            id: exchangeID, method: head.method, target: head.target, version: head.version,
            startedAt: headStartedAt ?? loop.now, bytesIn: headBytes, isHead: head.method == .head,
            keepAlive: head.keepAlive)
        headStartedAt = nil
        requestsServed += 1
        let limits = server.configuration.limits
        var bodyLimit = limits.maxBodyBytes
        switch server.hooks.headReceived(head) {
        case .respond(let response):
            phase = .responding
            if head.framing.mayHaveBody {
                // The body was never read, so the stream's framing is lost: close after answering.
                exchange?.keepAlive = false
                lingerWhenFlushed = true
            }
            deliver(response)
            return
        case .proceedWithBodyLimit(let limit):
            bodyLimit = limit
        case .proceed:
            break
        }
        if let encoding = head.headers["Content-Encoding"], !Self.isSupportedContentEncoding(encoding) {
            fail(status: .unsupportedMediaType, error: .unsupportedContentEncoding)
            return
        }
        if case .length(let length) = head.framing, length > bodyLimit {
            fail(status: .contentTooLarge, error: .bodyTooLarge(limit: bodyLimit))
            return
        }
        guard head.framing.mayHaveBody else {
            dispatch(HTTPRequest(head: head, id: exchangeID, remoteAddress: remoteAddress))
            return
        }
        var started = BodyInProgress(
            head: head, decoder: HTTPBodyDecoder(framing: head.framing, maxBodyBytes: bodyLimit, limits: limits))
        body = []
        if case .length(let length) = head.framing {
            switch plan(forBodyOf: head, length: length, id: exchangeID) {
            case .buffered:
                if length >= Self.directBodyThreshold {
                    started.destination = ByteBodyDestination(byteCount: length)
                } else {
                    body.reserveCapacity(length)
                }
            case .into(let destination):
                guard destination.byteCount == length else {
                    server.hooks.handlerFailed(
                        exchangeID, HTTPServerError.bodyDestinationSize(expected: length, got: destination.byteCount))
                    fail(status: .internalServerError, error: nil)
                    return
                }
                started.destination = destination
            case .refuse(let response):
                phase = .responding
                exchange?.keepAlive = false
                lingerWhenFlushed = true
                deliver(response)
                return
            }
        }
        if head.expectsContinue {
            output.append(Self.continueResponse)
            flush()
        }
        reading = started
        lastReadProgress = loop.now
        phase = .readingBody
    }

    /// The route's plan for a Content-Length body; compressed bodies are always buffered (they
    /// are inflated before the handler sees them).
    private func plan(forBodyOf head: HTTPRequestHead, length: Int, id: String) -> HTTPBodyPlan {
        guard length > 0, head.headers["Content-Encoding"] == nil else { return .buffered }
        return server.responder.bodyPlan(for: HTTPRequest(head: head, id: id, remoteAddress: remoteAddress))
    }

    private static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// gzip is inflated before the handler runs; identity is no coding at all.
    static func isSupportedContentEncoding(_ value: String) -> Bool {
        let coding = value.trimmingOWS()
        return HTTPHeaders.namesEqual(coding, "gzip") || HTTPHeaders.namesEqual(coding, "x-gzip")
            || HTTPHeaders.namesEqual(coding, "identity")
    }

    /// The client's Request-Id (or X-Request-Id) when it is 1–128 visible ASCII bytes, else a new one.
    private func requestID(for head: HTTPRequestHead) -> String {
        if let given = head.headers["Request-Id"] ?? head.headers["X-Request-Id"],
            (1...128).contains(given.utf8.count), given.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        {
            return given
        }
        return loop.makeRequestID()
    }

    /// Answers with an error status and closes: after a framing error nothing later on the
    /// stream can be trusted.
    func fail(status: HTTPStatus, error: HTTPParseError?) {
        if exchange == nil {
            exchange = Exchange(
                id: loop.makeRequestID(), method: HTTPMethod(rawValue: "-"), target: "", version: .http1_1,
                startedAt: headStartedAt ?? loop.now, bytesIn: unreadCount, isHead: false, keepAlive: false)
        }
        exchange?.keepAlive = false
        reading = nil
        body = []
        headStartedAt = nil
        phase = .responding
        lingerWhenFlushed = true
        deliver(server.hooks.errorResponse(status, error))
    }

    /// Calls the completion hook for the current exchange and forgets it.
    func reportCompletion(completed: Bool) {
        guard let exchange else { return }
        self.exchange = nil
        let summary = HTTPRequestSummary(
            id: exchange.id, method: exchange.method, route: exchange.route, target: exchange.target,
            status: exchange.status, bytesIn: exchange.bytesIn, bytesOut: exchange.bytesOut,
            duration: .nanoseconds(Int64(Socket.now() - exchange.startedAt)), remoteAddress: remoteAddress,
            completed: completed)
        server.hooks.requestCompleted(summary)
    }

    /// After a response is queued in full: report it, then close or take the next request.
    func finishExchange() {
        let keepAlive = exchange?.keepAlive ?? false
        reportCompletion(completed: true)
        isStreaming = false
        if !keepAlive {
            closeWhenFlushed = true
            if readsPaused == false && !lingerWhenFlushed { pauseReads() }
            if output.isEmpty { closeOrLinger() }
            return
        }
        phase = .awaitingHead
        waitingSince = loop.now
        resumeReads()
        process()
    }
}
