extension ConnectionMachine {
    /// The handler's (or the server's) response to the current request: encoded here, to be
    /// written by the shell. A streamed body's chunks follow through ``streamChunk(_:now:)``.
    mutating func responseReady(_ response: HTTPResponse, now: UInt64) -> ConnectionAction {
        guard case .responding(var responding) = phase, case .awaitingResponse = responding.stage else { return .none }
        if isDraining || response.headers.containsToken("close", in: "Connection") { exchange.keepAlive = false }
        exchange.status = response.status
        exchange.route = response.route
        let sendsBody = !exchange.isHead && response.status.allowsBody
        let action: ConnectionAction
        switch response.body {
        case .bytes(let bytes):
            // A small body rides in the head's array: one chunk, one iovec.
            let inline = sendsBody && bytes.count <= Self.maxInlineBody
            let separateBody = sendsBody && !inline ? bytes : []
            let head = reusableHeadBuffer()
            ResponseHead.encode(
                response, framing: response.status.allowsBody ? .length(bytes.count) : .none,
                keepAlive: exchange.keepAlive, version: exchange.version, requestID: exchange.id, date: environment.dateField(),
                body: inline ? bytes : [], into: head, cache: &encodedFields)
            exchange.bytesOut += head.count + separateBody.count
            outputQueued(head.count + separateBody.count, now: now)
            responding.stage = .queued
            action = .writeResponse(head: head, body: separateBody, urgent: false)
        case .stream:
            // HTTP/1.0 has no chunked coding: the end of the body is the end of the connection.
            let chunked = exchange.version != .http1_0
            if !chunked { exchange.keepAlive = false }
            let head = reusableHeadBuffer()
            ResponseHead.encode(
                response, framing: sendsBody ? (chunked ? .chunked : .none) : .none,
                keepAlive: exchange.keepAlive, version: exchange.version, requestID: exchange.id, date: environment.dateField(),
                into: head, cache: &encodedFields)
            exchange.bytesOut += head.count
            outputQueued(head.count, now: now)
            responding.stage = .streaming
            action = .writeResponse(head: head, body: [], urgent: true)
        }
        phase = .responding(responding)
        return action
    }

    /// A route's constant answer to the request just begun (``PrebuiltResponse``, with its
    /// connection's cached head bytes in `hit`): copied into the head buffer around this
    /// request's id, where a response made per request is encoded field by field.
    mutating func responseReady(_ hit: ConstantHit, now: UInt64) -> ConnectionAction {
        guard case .responding(var responding) = phase, case .awaitingResponse = responding.stage else { return .none }
        let answer = hit.answer
        if isDraining || answer.closes { exchange.keepAlive = false }
        exchange.status = answer.status
        exchange.route = answer.route
        let allowsBody = answer.status.allowsBody
        let sendsBody = !exchange.isHead && allowsBody
        let inline = sendsBody && answer.body.count <= Self.maxInlineBody
        let separateBody = sendsBody && !inline ? answer.body : []
        let head = reusableHeadBuffer()
        ResponseHead.encode(
            prefix: hit.prefix(date: environment.dateField()), exchange: exchange,
            suffix: hit.suffix(keepAlive: exchange.keepAlive, version: exchange.version, sendsBody: inline), into: head)
        exchange.bytesOut += head.count + separateBody.count
        outputQueued(head.count + separateBody.count, now: now)
        responding.stage = .queued
        phase = .responding(responding)
        return .writeResponse(head: head, body: separateBody, urgent: false)
    }

    /// Bodies up to this size ride in the head's buffer: one chunk, one iovec.
    static let maxInlineBody = 16 << 10

    /// The machine's head buffer, to be rewritten: the same storage as for the last response
    /// once the output queue has let go of it (written), else a new one (the old one is freed
    /// when written).
    private mutating func reusableHeadBuffer() -> HeadBuffer {
        if !isKnownUniquelyReferenced(&headBuffer) { headBuffer = HeadBuffer() }
        return headBuffer
    }

    /// One chunk of a streamed body, framed for the wire; ``ConnectionAction/none`` when no
    /// body is sent (HEAD) or the stream is over.
    mutating func streamChunk(_ bytes: [UInt8], now: UInt64) -> ConnectionAction {
        guard let framing = chunkFraming(count: bytes.count, now: now) else { return .none }
        var chunk = framing.prefix
        chunk.reserveCapacity(chunk.count + bytes.count + framing.suffix.count)
        chunk.append(contentsOf: bytes)
        chunk.append(contentsOf: framing.suffix)
        return .write(head: chunk, body: [], urgent: true)
    }

    /// A chunk the producer lends: its framing goes around it and its bytes are written from
    /// the owner's memory, never copied (``ConnectionAction/writeLent(prefix:bytes:suffix:)``).
    mutating func streamLentChunk(_ bytes: BorrowedBytes, now: UInt64) -> ConnectionAction {
        guard let framing = chunkFraming(count: bytes.count, now: now) else { return .none }
        return .writeLent(prefix: framing.prefix, bytes: bytes, suffix: framing.suffix)
    }

    /// What goes before and after a streamed chunk of `count` bytes (chunked coding's size
    /// line and CRLF; nothing on HTTP/1.0), counted as queued; nil when nothing is sent.
    private mutating func chunkFraming(count: Int, now: UInt64) -> (prefix: [UInt8], suffix: [UInt8])? {
        guard case .responding(let responding) = phase, case .streaming = responding.stage, !exchange.isHead, count > 0
        else { return nil }
        let framing: (prefix: [UInt8], suffix: [UInt8]) =
            exchange.version == .http1_0 ? ([], []) : (Array((String(count, radix: 16) + "\r\n").utf8), [cr, lf])
        let total = framing.prefix.count + count + framing.suffix.count
        exchange.bytesOut += total
        outputQueued(total, now: now)
        return framing
    }

    /// The stream's producer returned (`succeeded`) or threw: the last chunk, or an abrupt close
    /// so the client sees a truncated body rather than a false success.
    mutating func streamFinished(succeeded: Bool, now: UInt64) -> ConnectionAction {
        guard case .responding(var responding) = phase, case .streaming = responding.stage else { return .none }
        guard succeeded else { return .close }
        responding.stage = .queued
        if !exchange.isHead && exchange.version != .http1_0 {
            exchange.bytesOut += Self.lastChunk.count
            phase = .responding(responding)
            outputQueued(Self.lastChunk.count, now: now)
            return .write(head: Self.lastChunk, body: [], urgent: true)
        }
        phase = .responding(responding)
        return next(now: now)
    }

    private static let lastChunk = Array("0\r\n\r\n".utf8)

    /// The shell wrote `count` bytes and holds `pending` more: progress for the write deadline,
    /// and the output level that pipelined requests and the closing wait for.
    mutating func wrote(_ count: Int, pending: Int, now: UInt64) -> ConnectionAction {
        if count > 0 { lastWriteProgress = now }
        pendingOutput = pending
        return next(now: now)
    }
}
