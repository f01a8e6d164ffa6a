import CSystem
import Glibc

/// One client connection's I/O, owned by one event loop and touched only on its thread.
///
/// The HTTP logic lives in ``ConnectionMachine``, a value: this shell reads the socket (or TLS)
/// and feeds it the bytes, writes what it says to write, hands its requests to the responder,
/// arms epoll for what it wants, and closes when it says so. Every event goes through
/// ``perform(_:)``, which carries out the machine's actions until it has nothing more to do.
final class Connection {
    let id: UInt64
    let fd: Int32
    /// `unowned(unsafe)`: the loop owns its connections and outlives them, and plain `unowned`
    /// costs an atomic retain and release on every access on the hot path.
    unowned(unsafe) let loop: EventLoop
    let server: ServerContext
    // The properties every event reads or mutates skip the runtime's dynamic exclusivity check
    // (a thread-local access-set insert per access): they are touched only on the loop's thread
    // and never re-entrantly (the machine's hooks cannot reach its connection).
    @exclusivity(unchecked) var machine: ConnectionMachine
    @exclusivity(unchecked) var tls: TLSSession?
    @exclusivity(unchecked) var output = OutputQueue()
    @exclusivity(unchecked) var registeredEvents: UInt32 = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
    var handshakeWantsWrite = false
    var tlsRetryLength: Int?
    /// A streamed body's producer waiting for the output to drain below the high-water mark.
    @exclusivity(unchecked) var streamWaiter: CheckedContinuation<Void, any Error>? {
        didSet { hasStreamWaiter = streamWaiter != nil }
    }
    /// Whether `streamWaiter` is set, read after every flush: comparing the optional with nil
    /// copied the continuation out and destroyed the copy, for a waiter that is almost never there.
    @exclusivity(unchecked) private(set) var hasStreamWaiter = false
    /// Queued with the loop for a flush at the end of this turn (see ``scheduleFlush()``).
    @exclusivity(unchecked) var flushScheduled = false
    /// Set while ``readable()`` runs, so that a read it triggers (TLS) does not nest.
    @exclusivity(unchecked) private var isReading = false
    /// False once ``close(keepSlot:)`` has run.
    @exclusivity(unchecked) private(set) var isOpen = true

    init(id: UInt64, fd: Int32, remoteAddress: String, loop: EventLoop) {
        self.id = id
        self.fd = fd
        self.loop = loop
        let server = loop.server
        self.server = server
        let environment = ConnectionMachine.Environment(
            limits: server.configuration.limits, timeouts: server.configuration.timeouts, isTLS: server.tls != nil,
            remoteAddress: remoteAddress, headReceived: server.hooks.headReceived, bodyPlan: server.responder.bodyPlan(routing:),
            prebuiltResponse: server.prebuiltResponse, errorResponse: server.hooks.errorResponse,
            makeRequestID: { [unowned(unsafe) loop] in loop.makeRequestID() },
            dateField: { [unowned(unsafe) loop] in
                loop.refreshDate()
                return loop.dateField
            },
            completionReadsRequestID: server.hooks.completionReadsRequestID, planFailed: server.hooks.handlerFailed,
            requestCompleted: server.hooks.requestCompleted, eventLoop: loop.index)
        machine = ConnectionMachine(environment: environment, now: loop.now, draining: loop.isDraining)
    }

    var isWaitingForRequest: Bool { machine.isWaitingForRequest }
    var waitingSince: UInt64 { machine.waitingSince ?? .max }

    func opened() {
        guard let context = server.tls else { return }
        guard let session = TLSSession(context: context, fd: fd) else {
            close()
            return
        }
        tls = session
    }

    /// Carries out `first` and every action the machine asks for after it.
    func perform(_ first: consuming ConnectionAction) {
        var action = first
        var now = loop.now
        while true {
            switch consume action {
            case .none:
                // `readable` arms epoll once it has read all it will.
                if !isReading { updateInterest() }
                return
            case .write(let head, let body, let urgent):
                output.append(head)
                output.append(body)
                if urgent { flush() } else { scheduleFlush() }
                if !isOpen { return }
                // A queued response completes its request next: its duration ends now, not at
                // the start of the loop's turn.
                now = Socket.now()
            case .writeResponse(let head, let body, let urgent):
                output.append(head)
                output.append(body)
                if urgent { flush() } else { scheduleFlush() }
                if !isOpen { return }
                now = Socket.now()
            case .writeLent(let prefix, let bytes, let suffix):
                output.append(prefix)
                output.append(bytes)
                output.append(suffix)
                flush()
                if !isOpen { return }
                now = Socket.now()
            case .dispatch:
                guard let request = machine.takeRequest() else { break }
                let (requestID, isHead) = (request.id, request.method == .head)
                // Moved, not copied: the request's last use here.
                if let response = dispatch(consume request) {
                    action = machine.responseReady(response, now: loop.now)
                    if case .stream(let producer) = response.body { streamInPlace(producer, requestID: requestID, isHead: isHead) }
                    continue
                }
            case .shutDownWriting:
                shutdown(fd, Int32(SHUT_WR))
            case .close:
                close()
                return
            }
            action = machine.next(now: now)
        }
    }

    // MARK: Reading

    func readable() {
        if !isOpen || isReading { return }
        if case .handshaking = machine.phase {
            continueHandshake()
            return
        }
        isReading = true
        defer { isReading = false }
        while isOpen && machine.wantsInput {
            var wantsWrite = false
            let count: Int?
            let wanted: Int
            let direct = machine.bodyReadTarget
            if let (destination, offset) = direct {
                wanted = destination.byteCount - offset
                count = destination.withUnsafeMutableBytes { target in
                    let free = UnsafeMutableRawBufferPointer(rebasing: target[offset...])
                    return tls.map { $0.read(into: free, wantsWrite: &wantsWrite) } ?? Socket.read(fd, into: free)
                }
            } else {
                wanted = loop.scratch.count
                count = tls.map { $0.read(into: loop.scratch, wantsWrite: &wantsWrite) } ?? Socket.read(fd, into: loop.scratch)
            }
            guard let count else { break }
            if count < 0 {
                close()
                return
            }
            if count == 0 {
                perform(machine.peerClosed(now: loop.now))
                break
            }
            if direct != nil {
                perform(machine.receivedIntoBody(count, now: loop.now))
            } else {
                perform(machine.received(UnsafeRawBufferPointer(rebasing: loop.scratch[..<count]), now: loop.now))
            }
            // A short plain read means the socket is drained; skip the EAGAIN round trip.
            if tls == nil && count < wanted { break }
        }
        updateInterest()
    }

    // MARK: TLS handshake

    private func continueHandshake() {
        guard let tls else { return }
        switch tls.handshake() {
        case .done:
            handshakeWantsWrite = false
            perform(machine.handshakeFinished(now: loop.now))
            readable()
        case .wantRead:
            handshakeWantsWrite = false
            updateInterest()
        case .wantWrite:
            handshakeWantsWrite = true
            updateInterest()
        case .failed:
            close()
        }
    }

    // MARK: Interest, deadlines, closing

    func updateInterest() {
        guard isOpen else { return }
        var wanted: UInt32 = 0
        if machine.wantsInput { wanted |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue }
        // Output waiting for the end-of-turn flush needs no wake-up: EPOLLOUT only once the
        // socket has refused some (two epoll_ctl calls per request otherwise).
        if (!output.isEmpty && !flushScheduled) || handshakeWantsWrite { wanted |= EPOLLOUT.rawValue }
        guard wanted != registeredEvents else { return }
        let resumesReading = wanted & EPOLLIN.rawValue != 0 && registeredEvents & EPOLLIN.rawValue == 0
        registeredEvents = wanted
        if !loop.modify(fd, token: id, events: wanted) {
            close()
            return
        }
        // TLS may hold decrypted bytes epoll cannot see; read them now.
        if resumesReading && tls != nil { readable() }
    }

    func checkDeadline(now: UInt64) {
        perform(machine.tick(now: now))
    }

    /// Called on each loop when the server shuts down: idle connections close now, busy ones
    /// after their current response (which then says `Connection: close`).
    func drain() {
        perform(machine.drain(now: loop.now))
    }

    /// Closes the socket now. `keepSlot` hands the connection's slot to a new connection.
    func close(keepSlot: Bool = false) {
        guard isOpen else { return }
        isOpen = false
        machine.closed(now: loop.now)
        if let waiter = streamWaiter {
            streamWaiter = nil
            waiter.resume(throwing: HTTPServerError.connectionClosed)
        }
        if !machine.peerClosed { tls?.shutdown() }
        loop.deregister(fd)
        // Release the slot before the peer can see the close, so counts never lag what clients observe.
        loop.removed(self, keepSlot: keepSlot)
        Socket.close(fd)
    }
}
