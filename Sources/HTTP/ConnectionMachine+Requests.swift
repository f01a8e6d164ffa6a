extension ConnectionMachine {
    /// The next thing to do: parse and start the next request, take in buffered body bytes,
    /// report a queued response, close after the last one. ``ConnectionAction/none`` when nothing
    /// can happen before another event.
    mutating func next(now: UInt64) -> ConnectionAction {
        do {
            while true {
                switch phase {
                case .handshaking, .lingering, .closed:
                    return .none
                case .awaitingHead(var state):
                    // Pipelined requests wait while the client is not reading our responses.
                    if pendingOutput > environment.limits.writeBufferHighWater { return .none }
                    if unreadCount == 0 {
                        if peerClosed || isDraining { return finish(lingers: false, now: now) }
                        return .none
                    }
                    let parsed = try input.withUnsafeBufferPointer { buffer throws(HTTPParseError) in
                        try parser.parseHead(UnsafeBufferPointer(rebasing: buffer[inputStart...]))
                    }
                    guard let (head, consumed) = parsed else {
                        if state.headStartedAt == nil {
                            state.headStartedAt = now
                            phase = .awaitingHead(state)
                        }
                        if peerClosed { return finish(lingers: false, now: now) }
                        return .none
                    }
                    consume(consumed)
                    let action = begin(head, headBytes: consumed, startedAt: state.headStartedAt ?? now, now: now)
                    if case .none = action { continue }
                    return action
                case .readingBody(var reading):
                    if reading.decoder.isComplete { return dispatchBody(of: reading) }
                    if unreadCount == 0 {
                        // The client half-closed before the body's end: say so rather than vanish.
                        if peerClosed { return fail(.badRequest, .incompleteBody, now: now) }
                        return .none
                    }
                    let consumed: Int
                    if let destination = reading.destination {
                        consumed = min(unreadCount, destination.byteCount - reading.filled)
                        let (start, filled) = (inputStart, reading.filled)
                        destination.withUnsafeMutableBytes { target in
                            input.withUnsafeBytes { source in
                                UnsafeMutableRawBufferPointer(rebasing: target[filled..<(filled + consumed)])
                                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<(start + consumed)]))
                            }
                        }
                        reading.filled += consumed
                        reading.decoder.advanceLength(by: consumed)
                    } else {
                        consumed = try input.withUnsafeBufferPointer { buffer throws(HTTPParseError) in
                            try reading.decoder.decode(UnsafeBufferPointer(rebasing: buffer[inputStart...]), into: &body)
                        }
                    }
                    exchange.bytesIn += consumed
                    phase = .readingBody(reading)
                    // A chunk-size line or trailer cut by a read boundary consumes nothing until
                    // its end arrives: wait for more bytes rather than spin on the same ones.
                    guard consumed > 0 || reading.decoder.isComplete else {
                        if peerClosed { return fail(.badRequest, .incompleteBody, now: now) }
                        return .none
                    }
                    consume(consumed)
                case .responding(let responding):
                    guard case .queued = responding.stage else { return .none }
                    complete(responding, now: now)
                case .finishing(let lingers):
                    guard pendingOutput == 0 else { return .none }
                    if lingers && !peerClosed && !environment.isTLS {
                        phase = .lingering(until: now + Self.lingerDuration)
                        return .shutDownWriting
                    }
                    phase = .closed
                    return .close
                }
            }
        } catch {
            return fail(error.status, error, now: now)
        }
    }

    /// Starts serving a request whose head has arrived: hook, limits, body plan, 100-continue.
    /// Returns ``ConnectionAction/none`` when the body is to be read next.
    mutating func begin(_ head: consuming HTTPRequestHead, headBytes: Int, startedAt: UInt64, now: UInt64) -> ConnectionAction {
        countServed()
        exchange.start(
            id: requestID(for: head), method: head.method, target: head.target, version: head.version, startedAt: startedAt,
            bytesIn: headBytes, isHead: head.method == .head, keepAlive: head.keepAlive)
        let limits = environment.limits
        var bodyLimit = limits.maxBodyBytes
        switch environment.headReceived(head) {
        case .respond(let response):
            // An unread body loses the stream's framing: close after answering.
            return refuse(with: response, unreadBody: head.framing.mayHaveBody, now: now)
        case .proceedWithBodyLimit(let limit):
            bodyLimit = limit
        case .proceed:
            break
        }
        if head.headers.mayContain(.contentEncoding), let encoding = head.headers["Content-Encoding"],
            !Self.isSupportedContentEncoding(encoding)
        {
            return refuse(error: .unsupportedContentEncoding, now: now)
        }
        if case .length(let length) = head.framing, length > bodyLimit {
            return refuse(error: .bodyTooLarge(limit: bodyLimit), now: now)
        }
        guard head.framing.mayHaveBody else {
            phase = .responding(Responding(lingers: false, stage: .awaitingResponse))
            if let hit = constantAnswer(for: head) { return responseReady(hit, now: now) }
            dispatchable = HTTPRequest(head: head, id: exchange.id, remoteAddress: environment.remoteAddress)
            return .dispatch
        }
        var reading = ReadingBody(
            head: copy head, decoder: HTTPBodyDecoder(framing: head.framing, maxBodyBytes: bodyLimit, limits: limits),
            lastProgress: now)
        body = []
        if case .length(let length) = head.framing {
            switch plan(forBodyOf: head, length: length, id: exchange.id, resolved: &reading.resolved) {
            case .buffered:
                if length >= Self.directBodyThreshold {
                    reading.destination = ByteBodyDestination(byteCount: length)
                } else {
                    body.reserveCapacity(length)
                }
            case .into(let destination):
                guard destination.byteCount == length else {
                    environment.planFailed(exchange.id, .bodyDestinationSize(expected: length, got: destination.byteCount))
                    exchange.keepAlive = false
                    return refuse(with: environment.errorResponse(.internalServerError, nil), unreadBody: true, now: now)
                }
                reading.destination = destination
            case .refuse(let response):
                return refuse(with: response, unreadBody: true, now: now)
            }
        }
        phase = .readingBody(reading)
        if head.expectsContinue {
            outputQueued(Self.continueResponse.count, now: now)
            return .write(head: Self.continueResponse, body: [], urgent: true)
        }
        return .none
    }

    /// The responder's constant answer to `head`, if it has one (``PrebuiltResponse``), with
    /// the bytes of its last head (``ConstantHit``). The
    /// same method and target as the last one answered get the same answer without asking: the
    /// responder never changes while the server runs (a router is a value), and the target fixes
    /// the path. Lengths are compared first: `String`'s `==` is slow for different short strings.
    private mutating func constantAnswer(for head: HTTPRequestHead) -> ConstantHit? {
        if let last = lastConstant, last.target.utf8.count == head.target.utf8.count, last.target == head.target,
            last.method == head.method
        {
            return last
        }
        guard let answer = environment.prebuiltResponse(head) else { return nil }
        let hit = ConstantHit(method: head.method, target: head.target, answer: answer)
        lastConstant = hit
        return hit
    }

    /// The route's plan for a Content-Length body; compressed bodies are always buffered (they
    /// are inflated before the handler sees them). Mutating although it changes nothing: called
    /// from `begin`, a non-mutating method got a copy of the whole machine (~900 instructions).
    private mutating func plan(forBodyOf head: HTTPRequestHead, length: Int, id: String, resolved: inout ResolvedRoute?) -> HTTPBodyPlan {
        guard length > 0, !head.headers.mayContain(.contentEncoding) || head.headers["Content-Encoding"] == nil else { return .buffered }
        var request = HTTPRequest(head: head, id: id, remoteAddress: environment.remoteAddress)
        let plan = environment.bodyPlan(&request)
        resolved = request.resolvedRoute
        return plan
    }

    /// Hands the request whose body is complete to its handler.
    private mutating func dispatchBody(of reading: ReadingBody) -> ConnectionAction {
        var request = HTTPRequest(
            head: reading.head, body: body, trailers: reading.decoder.trailers, id: exchange.id,
            remoteAddress: environment.remoteAddress)
        request.resolvedRoute = reading.resolved
        body = []
        if let own = reading.destination as? ByteBodyDestination {
            request.body = own.take()
        } else {
            request.bodyDestination = reading.destination
        }
        phase = .responding(Responding(lingers: false, stage: .awaitingResponse))
        dispatchable = request
        return .dispatch
    }

    /// Answers without reading the body (a hook's or a plan's refusal): the connection closes
    /// after the response, lingering if a body may still be on its way.
    private mutating func refuse(with response: HTTPResponse, unreadBody: Bool, now: UInt64) -> ConnectionAction {
        if unreadBody { exchange.keepAlive = false }
        phase = .responding(Responding(lingers: unreadBody, stage: .awaitingResponse))
        return responseReady(response, now: now)
    }

    private mutating func refuse(error: HTTPParseError, now: UInt64) -> ConnectionAction {
        exchange.keepAlive = false
        phase = .responding(Responding(lingers: true, stage: .awaitingResponse))
        return responseReady(environment.errorResponse(error.status, error), now: now)
    }

    /// Answers with an error status and closes: after a framing error (or a timeout) nothing
    /// later on the stream can be trusted.
    mutating func fail(_ status: HTTPStatus, _ error: HTTPParseError?, now: UInt64) -> ConnectionAction {
        switch phase {
        case .readingBody:
            break
        case .awaitingHead(let state):
            exchange.start(
                id: .made(environment.makeRequestID()), method: HTTPMethod(rawValue: "-"), target: "", version: .http1_1,
                startedAt: state.headStartedAt ?? now, bytesIn: unreadCount, isHead: false, keepAlive: false)
        default:
            return .none
        }
        exchange.keepAlive = false
        body = []
        phase = .responding(Responding(lingers: true, stage: .awaitingResponse))
        return responseReady(environment.errorResponse(status, error), now: now)
    }

    private static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// gzip is inflated before the handler runs; identity is no coding at all.
    static func isSupportedContentEncoding(_ value: String) -> Bool {
        let coding = value.trimmingOWS()
        return HTTPHeaders.namesEqual(coding, "gzip") || HTTPHeaders.namesEqual(coding, "x-gzip")
            || HTTPHeaders.namesEqual(coding, "identity")
    }

    /// The client's Request-Id (or X-Request-Id) when it is 1–128 visible ASCII bytes, else a new one.
    private func requestID(for head: HTTPRequestHead) -> RequestIDSource {
        if head.headers.mayContain([.requestID, .xRequestID]), let given = head.headers["Request-Id"] ?? head.headers["X-Request-Id"],
            (1...128).contains(given.utf8.count), given.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        {
            return .given(given)
        }
        return .made(environment.makeRequestID())
    }

    /// The queued response's exchange is over: report it, and move on to the next request or
    /// to finishing.
    private mutating func complete(_ responding: Responding, now: UInt64) {
        if exchange.keepAlive && !isDraining {
            phase = .awaitingHead(AwaitingHead(since: now))
        } else {
            phase = .finishing(lingers: responding.lingers)
        }
        exchange.finish(now: now, completed: true)
        environment.requestCompleted(exchange.completedSummary(withID: environment.completionReadsRequestID))
    }

    /// Closes once the output has drained.
    private mutating func finish(lingers: Bool, now: UInt64) -> ConnectionAction {
        phase = .finishing(lingers: lingers)
        return next(now: now)
    }
}
