import CSystem
import Glibc

/// One client connection, owned by one event loop and touched only on its thread.
///
/// A request moves it through ``Phase``: awaiting a head, reading the body, responding (the
/// handler's task runs and its response is written), then back to awaiting the next head when the
/// connection is kept alive. Input that arrives while responding waits in `input`: pipelined
/// requests are answered one after the other, in order.
final class Connection {
    enum Phase {
        case handshaking
        case awaitingHead
        case readingBody
        case responding
        /// Output sent and our side shut; reading and discarding until the peer closes, so an
        /// early error response is not destroyed by a reset (RFC 9112 §9.6).
        case lingering
        case closed
    }

    let id: UInt64
    let fd: Int32
    let remoteAddress: String
    /// `unowned(unsafe)`: the loop owns its connections and outlives them, and plain `unowned`
    /// costs an atomic retain and release on every access on the hot path.
    unowned(unsafe) let loop: EventLoop
    let server: ServerContext
    var tls: TLSSession?
    var phase: Phase
    var parser: HTTPRequestParser

    /// Received bytes not yet consumed start at `inputStart`.
    var input: [UInt8] = []
    var inputStart = 0
    var output = OutputQueue()
    var registeredEvents: UInt32 = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
    var readsPaused = false
    var peerClosed = false
    var handshakeWantsWrite = false
    var tlsRetryLength: Int?

    /// The request being served, if any.
    var exchange: Exchange?
    /// The request whose body is being read: set exactly while `phase` is `.readingBody`.
    var reading: BodyInProgress?
    var body: [UInt8] = []
    var isStreaming = false
    var streamWaiter: CheckedContinuation<Void, any Error>?
    var closeWhenFlushed = false
    var lingerWhenFlushed = false
    var draining = false
    var isProcessing = false
    /// Queued with the loop for a flush at the end of this turn (see ``scheduleFlush()``).
    var flushScheduled = false

    /// When the connection began waiting for its current request (or handshake); the oldest
    /// waiter is shed first at the connection cap.
    var waitingSince: UInt64
    var headStartedAt: UInt64?
    var lastReadProgress: UInt64
    var lastWriteProgress: UInt64
    var lingerDeadline: UInt64 = 0
    var requestsServed = 0

    init(id: UInt64, fd: Int32, remoteAddress: String, loop: EventLoop) {
        self.id = id
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.loop = loop
        self.server = loop.server
        self.parser = HTTPRequestParser(limits: loop.server.configuration.limits)
        self.phase = .awaitingHead
        waitingSince = loop.now
        lastReadProgress = loop.now
        lastWriteProgress = loop.now
    }

    /// Whether the connection holds no request: idle keep-alive, handshaking, or a head in progress.
    var isWaitingForRequest: Bool {
        switch phase {
        case .handshaking, .awaitingHead: exchange == nil
        default: false
        }
    }

    var unreadCount: Int { input.count - inputStart }

    func opened() {
        if let context = server.tls {
            guard let session = TLSSession(context: context, fd: fd) else {
                close()
                return
            }
            tls = session
            phase = .handshaking
        }
        draining = loop.isDraining
    }

    // MARK: Reading

    func readable() {
        switch phase {
        case .closed:
            return
        case .handshaking:
            continueHandshake()
            return
        case .lingering:
            discardInput()
            return
        default:
            break
        }
        while !readsPaused && phase != .closed {
            // A large body goes straight into its buffer; everything else through the scratch
            // buffer into `input`, where the parser reads it.
            let direct = readsBodyDirectly
            let wanted = direct ? (reading.map { ($0.destination?.byteCount ?? 0) - $0.filled } ?? 0) : loop.scratch.count
            var wantsWrite = false
            let count: Int?
            if direct {
                count = readBodyDirectly()
            } else if let tls {
                count = tls.read(into: loop.scratch, wantsWrite: &wantsWrite)
            } else {
                count = Socket.read(fd, into: loop.scratch)
            }
            guard let count else { break }
            if count < 0 {
                close()
                return
            }
            if count == 0 {
                peerClosed = true
                updateInterest()
                break
            }
            if !direct {
                if inputStart == input.count {
                    input.removeAll(keepingCapacity: input.capacity <= 64 << 10)
                    inputStart = 0
                }
                input.append(contentsOf: UnsafeRawBufferPointer(rebasing: loop.scratch[..<count]))
            }
            lastReadProgress = loop.now
            // Parse as bytes arrive, so buffered input stays bounded by what one phase may hold.
            process()
            if phase == .responding && unreadCount >= 64 << 10 && !readsPaused { pauseReads() }
            // A short plain read means the socket is drained; skip the EAGAIN round trip.
            if tls == nil && count < wanted { return }
        }
        process()
    }

    func pauseReads() {
        readsPaused = true
        updateInterest()
    }

    func resumeReads() {
        guard readsPaused else { return }
        readsPaused = false
        updateInterest()
        // TLS may hold decrypted bytes epoll cannot see; read them now.
        if tls != nil { readable() }
    }

    /// Consumes `count` unread bytes, compacting the buffer when much of it is dead.
    func consume(_ count: Int) {
        inputStart += count
        if inputStart == input.count {
            input.removeAll(keepingCapacity: input.capacity <= 64 << 10)
            inputStart = 0
        } else if inputStart > 32 << 10 {
            input.removeFirst(inputStart)
            inputStart = 0
        }
    }

    private func discardInput() {
        while true {
            var wantsWrite = false
            let count = tls.map { $0.read(into: loop.scratch, wantsWrite: &wantsWrite) } ?? Socket.read(fd, into: loop.scratch)
            guard let count else { return }
            if count <= 0 {
                close()
                return
            }
        }
    }

    // MARK: TLS handshake

    private func continueHandshake() {
        guard let tls else { return }
        switch tls.handshake() {
        case .done:
            phase = .awaitingHead
            handshakeWantsWrite = false
            updateInterest()
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
        guard phase != .closed else { return }
        var wanted: UInt32 = 0
        if !readsPaused && !peerClosed { wanted |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue }
        if !output.isEmpty || handshakeWantsWrite { wanted |= EPOLLOUT.rawValue }
        if wanted != registeredEvents {
            registeredEvents = wanted
            if !loop.modify(fd, token: id, events: wanted) { close() }
        }
    }

    func checkDeadline(now: UInt64) {
        let timeouts = server.configuration.timeouts
        switch phase {
        case .handshaking:
            if now - waitingSince > timeouts.head.monotonicNanoseconds { close() }
        case .awaitingHead:
            if let started = headStartedAt {
                if now - started > timeouts.head.monotonicNanoseconds { fail(status: .requestTimeout, error: nil) }
            } else if unreadCount == 0 {
                let limit = requestsServed == 0 ? timeouts.head : timeouts.idle
                if now - waitingSince > limit.monotonicNanoseconds { close() }
            }
        case .readingBody:
            if now - lastReadProgress > timeouts.body.monotonicNanoseconds { fail(status: .requestTimeout, error: nil) }
        case .responding:
            if !output.isEmpty && now - lastWriteProgress > timeouts.write.monotonicNanoseconds { close() }
        case .lingering:
            if now > lingerDeadline { close() }
        case .closed:
            break
        }
    }

    /// Called on each loop when the server shuts down: idle connections close now, busy ones
    /// after their current response (which then says `Connection: close`).
    func drain() {
        draining = true
        switch phase {
        case .handshaking:
            close()
        case .awaitingHead where exchange == nil && headStartedAt == nil && unreadCount == 0:
            close()
        default:
            break
        }
    }

    /// Closes the socket now. `keepSlot` hands the connection's slot to a new connection.
    func close(keepSlot: Bool = false) {
        guard phase != .closed else { return }
        phase = .closed
        if exchange != nil { reportCompletion(completed: false) }
        if let waiter = streamWaiter {
            streamWaiter = nil
            waiter.resume(throwing: HTTPServerError.connectionClosed)
        }
        if !peerClosed { tls?.shutdown() }
        loop.deregister(fd)
        // Release the slot before the peer can see the close, so counts never lag what clients observe.
        loop.removed(self, keepSlot: keepSlot)
        Socket.close(fd)
    }
}

/// A request whose head has arrived and whose body is being read.
struct BodyInProgress {
    let head: HTTPRequestHead
    var decoder: HTTPBodyDecoder
    /// Set when a Content-Length body is read in place at its full size rather than appended to
    /// `body`: the route's storage, or the server's own for a large body.
    var destination: (any HTTPBodyDestination)?
    /// How many bytes of `destination` have arrived.
    var filled = 0
}
