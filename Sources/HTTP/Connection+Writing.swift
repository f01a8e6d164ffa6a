import Glibc

extension Connection {
    /// A response from a task or a sink, back on the loop, for the request it answers.
    func deliver(_ response: HTTPResponse, answering exchange: Int) {
        guard isOpen, machine.requestsServed == exchange else { return }
        perform(machine.responseReady(response, now: loop.now))
    }

    /// Queues one chunk of a streamed body; resumes the writer now, or once the queue drains
    /// below the high-water mark.
    func writeChunk(_ bytes: [UInt8], continuation: CheckedContinuation<Void, any Error>) {
        streamWaiter = continuation
        perform(machine.streamChunk(bytes, now: loop.now))
        if isOpen { resumeStreamWaiterIfDrained() }
    }

    /// Queues a chunk the producer lends: written from the owner's memory, never copied.
    func writeChunk(_ bytes: BorrowedBytes, continuation: CheckedContinuation<Void, any Error>) {
        streamWaiter = continuation
        perform(machine.streamLentChunk(bytes, now: loop.now))
        if isOpen { resumeStreamWaiterIfDrained() }
    }

    /// Ends a streamed body: the last chunk, or an abrupt close when the producer failed.
    func finishStream(succeeded: Bool) {
        perform(machine.streamFinished(succeeded: succeeded, now: loop.now))
    }

    func writable() {
        if case .handshaking = machine.phase {
            readable()
            return
        }
        flush()
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

    /// The end-of-turn flush.
    func flushScheduledOutput() {
        flushScheduled = false
        guard isOpen else { return }
        flush()
    }

    /// Writes as much queued output as the socket takes, then lets the machine go on (pipelined
    /// requests waiting for the output to drain, a close waiting for the last response).
    func flush() {
        var total = 0
        while !output.isEmpty && isOpen {
            let written: Int?
            if let tls {
                let length = tlsRetryLength ?? min(output.firstCount, 1 << 20)
                written = output.withFirst(length) { tls.write($0) }
                tlsRetryLength = written == nil ? length : nil
            } else {
                let fd = self.fd
                written = output.withSoleVector { Socket.write(fd, $0) } ?? output.withVectors { Socket.write(fd, $0) }
            }
            guard let written else { break }
            if written < 0 {
                close()
                return
            }
            output.consume(written)
            total += written
        }
        guard isOpen else { return }
        resumeStreamWaiterIfDrained()
        perform(machine.wrote(total, pending: output.byteCount, now: loop.now))
    }

    /// Runs after every flush, almost never with a waiter: the check is inlined, the rest (which
    /// set up the continuation's type metadata on every call) is not.
    @inline(__always)
    private func resumeStreamWaiterIfDrained() {
        if hasStreamWaiter { resumeStreamWaiter() }
    }

    @inline(never)
    private func resumeStreamWaiter() {
        if let waiter = streamWaiter, output.byteCount <= server.configuration.limits.writeBufferHighWater {
            streamWaiter = nil
            waiter.resume()
        }
    }
}
