import CSystem
import Glibc
import Synchronization

/// One thread that owns an epoll set and the connections registered in it.
///
/// Everything a connection does happens on its loop's thread; other threads reach it only through
/// ``execute(_:)``, a locked FIFO inbox that wakes the loop with an eventfd. That is why the class
/// can be `@unchecked Sendable`: its mutable state is touched from its own thread alone.
final class EventLoop: @unchecked Sendable {
    enum Work: Sendable {
        case closure(@Sendable () -> Void)
        case job(UnownedJob)
    }

    static let listenerToken: UInt64 = 0
    static let wakeToken: UInt64 = 1

    let index: Int
    let server: ServerContext
    private let epoll: Int32
    private let wakeFD: Int32
    /// Work for the loop; `exited` once the thread has left, after which work runs elsewhere.
    let inbox = Locked<(work: [Work], exited: Bool)>(([], false))

    // Loop-thread state below. The properties touched for every request skip the runtime's
    // dynamic exclusivity check: only this thread reaches them, never re-entrantly.
    @exclusivity(unchecked) var connections = ConnectionTable()
    /// Connections with responses to write at the end of this turn (``Connection/scheduleFlush()``).
    @exclusivity(unchecked) var pendingFlushes: [Connection] = []
    /// Set while a connection hands a request to a deferred route (``HTTPDispatch/deferred(_:)``):
    /// an answer sent meanwhile goes through the inbox rather than into that connection's `perform`.
    @exclusivity(unchecked) var isDispatching = false
    /// Descriptors the epoll wait of this turn reported ready (``isIdle``).
    @exclusivity(unchecked) private(set) var turnEvents = 0
    /// Work of `inboxBatch` after the item running now (``isIdle``).
    @exclusivity(unchecked) private(set) var inboxBatchRemaining = 0
    /// The work `runInbox` is working through (kept to reuse its storage).
    @exclusivity(unchecked) private var inboxBatch: [Work] = []
    /// The batch `flushPending` is working through (kept to reuse its storage).
    @exclusivity(unchecked) private var flushBatch: [Connection] = []
    @exclusivity(unchecked) private(set) var now: UInt64 = Socket.now()
    private var nextSweep: UInt64 = 0
    private var listenerFD: Int32 = -1
    private var isAccepting = false
    /// Set at shutdown: new work finishes with `Connection: close`.
    private(set) var isDraining = false
    private var isStopped = false
    private var onStop: (@Sendable () -> Void)?
    /// One read buffer per loop: a connection copies out only what it keeps.
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    @exclusivity(unchecked) private var dateSecond = -1
    @exclusivity(unchecked) private(set) var dateField: [UInt8] = []
    @exclusivity(unchecked) private var requestIDs: RequestIDCounter
    /// The loop's own thread (a pthread_t), so work it submits to itself skips the eventfd wake-up.
    private let loopThread = Atomic<UInt>(0)
    /// The next loop of the server (a ring), asked to make room for a connection at the cap
    /// when this loop cannot. Set before the loops start. `unowned(unsafe)`, so the ring is not a
    /// cycle: the server holds every loop until all have stopped. Not `weak`: a weak reference
    /// moves the loop's reference count to a side table, and every retain of the loop on the
    /// request path then takes the slow path.
    unowned(unsafe) var neighbour: EventLoop?
    /// Connections this loop holds or is about to open: read by the other loops to give a new
    /// connection to the least busy one (a hint, hence relaxed).
    let assignedConnections = Atomic<Int>(0)

    init(index: Int, server: ServerContext) throws(HTTPServerError) {
        self.index = index
        self.server = server
        requestIDs = RequestIDCounter(stem: server.requestIDPrefix + ServerContext.base62(index) + "-")
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        if epoll < 0 { throw .systemCallFailed(call: "epoll_create1", errno: errno) }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        if wakeFD < 0 { throw .systemCallFailed(call: "eventfd", errno: errno) }
        guard csystem_epoll_ctl(epoll, EPOLL_CTL_ADD, wakeFD, EPOLLIN.rawValue, Self.wakeToken) == 0 else {
            throw .systemCallFailed(call: "epoll_ctl", errno: errno)
        }
    }

    deinit {
        scratch.deallocate()
        Glibc.close(epoll)
        Glibc.close(wakeFD)
    }

    /// Adds `listener`, shared by all loops (EPOLLEXCLUSIVE wakes one), before the loop starts.
    func addListener(_ listener: Int32) throws(HTTPServerError) {
        guard csystem_epoll_ctl(epoll, EPOLL_CTL_ADD, listener, EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue, Self.listenerToken) == 0 else {
            throw .systemCallFailed(call: "epoll_ctl", errno: errno)
        }
        listenerFD = listener
        isAccepting = true
    }

    /// Starts the loop's thread.
    func start() {
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let created = pthread_create(
            &thread, nil,
            { argument in
                // Non-nil: pthread_create passes back the pointer given below.
                guard let argument else { return nil }
                Unmanaged<EventLoop>.fromOpaque(argument).takeRetainedValue().run()
                return nil
            }, box.toOpaque())
        precondition(created == 0, "pthread_create failed: \(created)")
        // Named here, before start returns, so that `top -H`, `perf` and /proc tell the loops
        // apart from the moment the server is up.
        _ = csystem_name_thread(thread, "paramd-loop-\(index)")
        pthread_detach(thread)
    }

    /// Runs `work` on the loop's thread, after work submitted before it.
    func execute(_ work: @escaping @Sendable () -> Void) {
        submit(.closure(work))
    }

    /// Whether the caller is this loop's thread.
    var isCurrent: Bool { pthread_self() == loopThread.load(ordering: .relaxed) }

    /// Runs `work` now when called on the loop's thread (a handler placed on the loop), else
    /// queues it like ``execute(_:)``. Ordering is kept: on the loop thread nothing else is running.
    func executeSoon(_ work: @escaping @Sendable () -> Void) {
        if isCurrent { work() } else { submit(.closure(work)) }
    }

    func submit(_ work: Work) {
        let (accepted, wasEmpty) = inbox.withLock { inbox in
            if inbox.exited { return (false, false) }
            inbox.work.append(work)
            return (true, inbox.work.count == 1)
        }
        if wasEmpty && !isCurrent {
            var one: UInt64 = 1
            _ = Glibc.write(wakeFD, &one, 8)
        }
        if !accepted { runAfterExit(work) }
    }

    /// Work that reaches a loop after its thread exited (a handler finishing after shutdown) still
    /// runs, so no continuation is left hanging: closures find no connections (the table was
    /// emptied before the exit, which the inbox lock orders before this), jobs go to the global pool.
    private func runAfterExit(_ work: Work) {
        switch work {
        case .closure(let body): body()
        case .job(let job): globalConcurrentExecutor.enqueue(ExecutorJob(job))
        }
    }

    // MARK: Loop-thread API

    /// Stops accepting; the listener itself is closed by the server once every loop has let go.
    func stopAccepting() {
        guard isAccepting else { return }
        isAccepting = false
        // Cannot fail for a listener that was added; closing it would remove it anyway.
        _ = csystem_epoll_ctl(epoll, EPOLL_CTL_DEL, listenerFD, 0, 0)
    }

    /// Stops accepting and lets every connection finish its current request, then close.
    func drain() {
        stopAccepting()
        isDraining = true
        for connection in connections.all { connection.drain() }
    }

    /// Leaves the loop after this iteration; `then` runs on the loop thread as it exits.
    func stop(then: @escaping @Sendable () -> Void) {
        isStopped = true
        onStop = then
    }

    /// Adds `fd` to the epoll set; false when the kernel refused (ENOMEM, ENOSPC at the
    /// user's watch limit): the caller must not keep a connection epoll never reports.
    func register(_ fd: Int32, token: UInt64, events: UInt32) -> Bool {
        csystem_epoll_ctl(epoll, EPOLL_CTL_ADD, fd, events, token) == 0
    }

    /// Changes what `fd` is watched for; false when the kernel refused, and the connection,
    /// whose wake-ups would no longer match its state, must close.
    func modify(_ fd: Int32, token: UInt64, events: UInt32) -> Bool {
        csystem_epoll_ctl(epoll, EPOLL_CTL_MOD, fd, events, token) == 0
    }

    func deregister(_ fd: Int32) {
        // Nothing to do on failure: the descriptor is closed next, which removes it anyway.
        _ = csystem_epoll_ctl(epoll, EPOLL_CTL_DEL, fd, 0, 0)
    }

    /// A request id unique in this process (``RequestIDCounter``), for a request without a
    /// usable id of its own.
    func makeRequestID() -> InlineRequestID {
        requestIDs.next()
    }

    /// `Date: <IMF-fixdate>\r\n`, formatted once per second.
    func refreshDate() {
        let seconds = time(nil)
        if seconds != dateSecond {
            dateSecond = seconds
            dateField = Array("Date: \(HTTPDate.format(seconds))\r\n".utf8)
        }
    }

    // MARK: The loop

    private func run() {
        loopThread.store(pthread_self(), ordering: .relaxed)
        becomeCurrent()
        let capacity = 128
        var tokens = [UInt64](repeating: 0, count: capacity)
        var events = [UInt32](repeating: 0, count: capacity)
        while !isStopped {
            let timeout: Int32 = connections.isEmpty ? -1 : 100
            let count = tokens.withUnsafeMutableBufferPointer { tokenBuffer in
                events.withUnsafeMutableBufferPointer { eventBuffer in
                    csystem_epoll_wait(epoll, tokenBuffer.baseAddress, eventBuffer.baseAddress, Int32(capacity), timeout)
                }
            }
            now = Socket.now()
            turnEvents = Int(count)
            if count > 0 {
                for slot in 0..<Int(count) {
                    handle(token: tokens[slot], events: events[slot])
                    // Bursts of at most 16 responses: enough to spare the client wake-ups,
                    // few enough that the first of a long batch is not held back for long.
                    if slot % 16 == 15 { flushPending() }
                }
            }
            // Flushing may start the next pipelined request, whose task lands in this inbox
            // without a wake-up (it comes from this thread): run it before sleeping again.
            repeat {
                runInbox()
                flushPending()
            } while inbox.withLock({ !$0.work.isEmpty })
            if now >= nextSweep {
                sweepDeadlines()
                flushPending()  // the timeouts' error responses
                nextSweep = now + 100_000_000
            }
        }
        for connection in connections.all { connection.close() }
        let late = inbox.withLock { inbox in
            inbox.exited = true
            return inbox.work
        }
        for work in late { runAfterExit(work) }
        onStop?()
    }

    private func handle(token: UInt64, events: UInt32) {
        switch token {
        case Self.listenerToken:
            acceptConnections()
        case Self.wakeToken:
            var value: UInt64 = 0
            _ = Glibc.read(wakeFD, &value, 8)
        default:
            guard let connection = connections[token] else { return }
            if events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 && events & EPOLLIN.rawValue == 0 {
                connection.close()
                return
            }
            if events & EPOLLOUT.rawValue != 0 { connection.writable() }
            // `readable` does nothing once `writable` has closed the connection.
            if events & EPOLLIN.rawValue != 0 { connection.readable() }
        }
    }

    private func flushPending() {
        // Swapped with a spare array rather than copied: a copy shares the buffer, so emptying
        // `pendingFlushes` would allocate a new one on every turn.
        while !pendingFlushes.isEmpty {
            swap(&flushBatch, &pendingFlushes)
            for connection in flushBatch { connection.flushScheduledOutput() }
            flushBatch.removeAll(keepingCapacity: true)
        }
    }

    private func runInbox() {
        while true {
            // Swapped with a spare array, as in `flushPending`: taking a copy and emptying the
            // inbox allocated a new buffer on every turn with work.
            inbox.withLock { swap(&inboxBatch, &$0.work) }
            if inboxBatch.isEmpty { return }
            now = Socket.now()
            for (index, item) in inboxBatch.enumerated() {
                inboxBatchRemaining = inboxBatch.count - index - 1
                switch item {
                case .closure(let body): body()
                case .job(let job): job.runSynchronously(on: asUnownedTaskExecutor())
                }
            }
            inboxBatch.removeAll(keepingCapacity: true)
        }
    }

    /// Accepts what is waiting and gives each connection to the loop holding the fewest (this
    /// one on a tie): the kernel wakes whichever loop is idle, so a burst of connections (a
    /// client opening 256 at once) would otherwise pile onto one loop and leave another core
    /// half idle for the connections' whole life.
    private func acceptConnections() {
        guard isAccepting else { return }
        for _ in 0..<64 {
            guard let (fd, peer) = Socket.accept(listenerFD) else { return }
            let target = leastLoadedLoop()
            target.assignedConnections.add(1, ordering: .relaxed)
            if target === self {
                admit(fd: fd, peer: peer, loopsAsked: 1)
            } else {
                target.execute { target.admit(fd: fd, peer: peer, loopsAsked: 1) }
            }
        }
    }

    /// The loop of the ring with the fewest connections assigned, this one first.
    private func leastLoadedLoop() -> EventLoop {
        var best = self
        var bestCount = assignedConnections.load(ordering: .relaxed)
        var next = neighbour
        while let loop = next, loop !== self {
            let count = loop.assignedConnections.load(ordering: .relaxed)
            if count < bestCount { (best, bestCount) = (loop, count) }
            next = loop.neighbour
        }
        return best
    }

    /// Opens `fd` here when a slot is free or a connection of this loop still waiting for its
    /// request can give up its own; else hands `fd` to the next loop, since the slow clients may
    /// all sit on another loop (each loop sees only its own connections); 503 once every loop
    /// has been asked.
    /// `fd` is already counted in ``assignedConnections``; every way out but opening it here
    /// takes it back off.
    private func admit(fd: Int32, peer: String, loopsAsked: Int) {
        guard isAccepting else {
            assignedConnections.subtract(1, ordering: .relaxed)
            Socket.rejectOverloaded(fd, plaintext: server.tls == nil)
            return
        }
        if !server.reserveConnection() && !shedOneConnection() {
            assignedConnections.subtract(1, ordering: .relaxed)
            if let neighbour, loopsAsked < server.configuration.eventLoopCount {
                neighbour.assignedConnections.add(1, ordering: .relaxed)
                neighbour.execute { neighbour.admit(fd: fd, peer: peer, loopsAsked: loopsAsked + 1) }
            } else {
                Socket.rejectOverloaded(fd, plaintext: server.tls == nil)
            }
            return
        }
        let id = connections.reserveID()
        guard register(fd, token: id, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue) else {
            connections.release(id)
            assignedConnections.subtract(1, ordering: .relaxed)
            server.releaseConnection()
            Socket.close(fd)
            return
        }
        let connection = Connection(id: id, fd: fd, remoteAddress: peer, loop: self)
        connections.insert(connection)
        connection.opened()
    }

    /// At the connection cap, closes the connection that has waited longest for a request head
    /// (slowloris clients sort first), and takes over its slot.
    private func shedOneConnection() -> Bool {
        let waiting = connections.all.lazy.filter(\.isWaitingForRequest)
        guard let victim = waiting.min(by: { $0.waitingSince < $1.waitingSince }) else { return false }
        victim.close(keepSlot: true)
        return true
    }

    private func sweepDeadlines() {
        for connection in connections.all { connection.checkDeadline(now: now) }
    }

    func removed(_ connection: Connection, keepSlot: Bool) {
        connections.remove(connection.id)
        assignedConnections.subtract(1, ordering: .relaxed)
        if !keepSlot { server.releaseConnection() }
    }
}

extension EventLoop: TaskExecutor {
    /// Runs a task's jobs on this loop's thread (``HandlerPlacement/eventLoop``).
    func enqueue(_ job: consuming ExecutorJob) {
        submit(.job(UnownedJob(job)))
    }
}
