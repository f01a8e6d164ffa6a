import Glibc

extension Connection {
    /// Queues a response from the handler (or the server) for the current exchange.
    func deliver(_ response: HTTPResponse) {
        guard phase == .responding, var exchange else { return }
        if draining || response.headers.containsToken("close", in: "Connection") { exchange.keepAlive = false }
        exchange.status = response.status
        exchange.route = response.route
        let sendsBody = !exchange.isHead && response.status.allowsBody
        switch response.body {
        case .bytes(let bytes):
            var head = ResponseHead.encode(
                response, framing: response.status.allowsBody ? .length(bytes.count) : .none,
                keepAlive: exchange.keepAlive, version: exchange.version, requestID: exchange.id, date: currentDate())
            var sent = head.count
            if sendsBody && !bytes.isEmpty {
                if bytes.count <= 16 << 10 {
                    head.append(contentsOf: bytes)
                    output.append(head)
                } else {
                    output.append(head)
                    output.append(bytes)
                }
                sent += bytes.count
            } else {
                output.append(head)
            }
            exchange.bytesOut += sent
            self.exchange = exchange
            scheduleFlush()
            finishExchange()
        case .stream:
            // HTTP/1.0 has no chunked coding: the end of the body is the end of the connection.
            let chunked = exchange.version != .http1_0
            if !chunked { exchange.keepAlive = false }
            let head = ResponseHead.encode(
                response, framing: sendsBody ? (chunked ? .chunked : .none) : .none,
                keepAlive: exchange.keepAlive, version: exchange.version, requestID: exchange.id, date: currentDate())
            exchange.bytesOut += head.count
            self.exchange = exchange
            isStreaming = true
            output.append(head)
            flush()
        }
    }

    private func currentDate() -> [UInt8] {
        loop.refreshDate()
        return loop.dateField
    }

    /// Queues one chunk of a streamed body; resumes the writer now, or once the queue drains
    /// below the high-water mark.
    func writeChunk(_ bytes: [UInt8], continuation: CheckedContinuation<Void, any Error>) {
        writeChunk(count: bytes.count, continuation: continuation) { $0.append(bytes) }
    }

    /// Queues a chunk the producer lends: it is written from the owner's memory, never copied.
    func writeChunk(_ bytes: BorrowedBytes, continuation: CheckedContinuation<Void, any Error>) {
        writeChunk(count: bytes.count, continuation: continuation) { $0.append(bytes) }
    }

    /// Frames `count` bytes that `append` queues: its size line and CRLF are chunks of their
    /// own, gathered into the same writev, so the body's bytes are not copied to be framed.
    private func writeChunk(count: Int, continuation: CheckedContinuation<Void, any Error>, append: (inout OutputQueue) -> Void) {
        guard var exchange, !exchange.isHead else {
            continuation.resume()
            return
        }
        if exchange.version == .http1_0 {
            append(&output)
            exchange.bytesOut += count
        } else {
            let sizeLine = Array((String(count, radix: 16) + "\r\n").utf8)
            output.append(sizeLine)
            append(&output)
            output.append(Self.chunkEnd)
            exchange.bytesOut += sizeLine.count + count + Self.chunkEnd.count
        }
        self.exchange = exchange
        streamWaiter = continuation
        flush()
    }

    private static let chunkEnd: [UInt8] = [cr, lf]

    /// Ends a streamed body: the last chunk, or an abrupt close when the producer failed
    /// (the client then sees a truncated chunked body, not a false success).
    func finishStream(succeeded: Bool) {
        guard isStreaming, var exchange else { return }
        guard succeeded else {
            close()
            return
        }
        if !exchange.isHead && exchange.version != .http1_0 {
            output.append(Self.lastChunk)
            exchange.bytesOut += Self.lastChunk.count
            self.exchange = exchange
        }
        isStreaming = false
        flush()
        if phase != .closed { finishExchange() }
    }

    private static let lastChunk = Array("0\r\n\r\n".utf8)

    func writable() {
        if phase == .handshaking {
            readable()
            return
        }
        flush()
        if phase == .awaitingHead { process() }
    }

    /// Writes this connection's output at the end of the loop's turn instead of now. Responses
    /// made in one turn then reach the kernel back to back, so a client reading many connections
    /// is woken once for several of them rather than once each: on loopback that wake-up costs
    /// more than the send itself.
    func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        loop.pendingFlushes.append(self)
    }

    /// The end-of-turn flush; then, like ``writable()``, reads on if requests are waiting.
    func flushScheduledOutput() {
        flushScheduled = false
        guard phase != .closed else { return }
        flush()
        if phase == .awaitingHead { process() }
    }

    /// Closes once every queued response is written: the peer may have half-closed after
    /// sending requests whose answers still wait for the end-of-turn flush.
    func closeAfterFlushing() {
        flush()
        guard phase != .closed else { return }
        if output.isEmpty {
            close()
        } else {
            closeWhenFlushed = true
        }
    }

    /// Writes as much queued output as the socket takes, then updates interest and waiters.
    func flush() {
        while !output.isEmpty && phase != .closed {
            let written: Int?
            if let tls {
                let length = tlsRetryLength ?? min(output.firstCount, 1 << 20)
                written = output.withFirst(length) { tls.write($0) }
                tlsRetryLength = written == nil ? length : nil
            } else {
                written = output.withVectors { Socket.write(fd, $0) }
            }
            guard let written else { break }
            if written < 0 {
                close()
                return
            }
            output.consume(written)
            lastWriteProgress = loop.now
        }
        guard phase != .closed else { return }
        updateInterest()
        if let waiter = streamWaiter, output.byteCount <= server.configuration.limits.writeBufferHighWater {
            streamWaiter = nil
            waiter.resume()
        }
        if output.isEmpty && closeWhenFlushed && exchange == nil { closeOrLinger() }
    }

    /// After a response that ends the connection: a clean close, or a lingering one when the
    /// client may still be sending a body we refused.
    func closeOrLinger() {
        guard lingerWhenFlushed, !peerClosed, tls == nil else {
            close()
            return
        }
        phase = .lingering
        shutdown(fd, Int32(SHUT_WR))
        lingerDeadline = loop.now + 2_000_000_000
        readsPaused = false
        updateInterest()
        readable()
    }
}
