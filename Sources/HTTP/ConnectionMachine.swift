/// The HTTP/1.1 logic of one connection as a value, without sockets, threads or clocks of its
/// own: events go in (bytes received, a response ready, output written, the time), and each
/// returns the next ``ConnectionAction`` for the I/O shell (``Connection``) to carry out. After
/// carrying one out, the shell asks ``next(now:)`` for the following one, until ``ConnectionAction/none``.
///
/// A request moves it through ``Phase``: awaiting a head, reading the body, responding (the
/// handler runs and its response is queued), then back to awaiting the next head when the
/// connection is kept alive, or finishing (output drains) and closing or lingering. Input that
/// arrives while responding waits in `input`: pipelined requests are answered in order.
struct ConnectionMachine {
    /// Where the connection is, with what that phase needs and nothing else.
    enum Phase {
        /// A TLS handshake in progress, started at the instant given.
        case handshaking(since: UInt64)
        case awaitingHead(AwaitingHead)
        /// Boxed: its payload (the head, a decoder, a destination) is twice the size of every
        /// other phase's, and the whole enum is copied each time the machine looks at its phase,
        /// several times per request, most of which have no body.
        indirect case readingBody(ReadingBody)
        case responding(Responding)
        /// The last response is queued; when the output has drained, close (or linger).
        case finishing(lingers: Bool)
        /// Output sent and our side shut; reading and discarding until the peer closes or the
        /// deadline, so an early error response is not destroyed by a reset (RFC 9112 §9.6).
        case lingering(until: UInt64)
        case closed
    }

    struct AwaitingHead {
        /// Since when the connection has waited for this request: for the idle and head
        /// deadlines, and for shedding the longest waiter at the connection cap.
        var since: UInt64
        /// When the first byte of an incomplete head was seen.
        var headStartedAt: UInt64?
    }

    struct ReadingBody {
        let head: HTTPRequestHead
        var decoder: HTTPBodyDecoder
        /// Set when a Content-Length body is read in place at its full size rather than into
        /// the machine's `body`: the route's storage, or the server's own for a large body.
        var destination: (any HTTPBodyDestination)?
        /// How many bytes of `destination` have arrived.
        var filled = 0
        var lastProgress: UInt64
        /// The route found while planning the body, for dispatch.
        var resolved: ResolvedRoute?
    }

    struct Responding {
        /// The request was refused before its body was read: the connection lingers after.
        var lingers: Bool
        var stage: Stage

        enum Stage {
            /// The handler is running.
            case awaitingResponse
            /// A streamed body's chunks are being written.
            case streaming
            /// The whole response is queued.
            case queued
        }
    }

    /// What the machine needs from its server, as values and functions: the server's hooks and
    /// limits in production, fakes in tests.
    struct Environment {
        var limits: HTTPLimits
        var timeouts: HTTPTimeouts
        var isTLS: Bool
        var remoteAddress: String
        var headReceived: (HTTPRequestHead) -> HTTPHeadDecision
        /// The route's plan for a body (``HTTPResponder/bodyPlan(routing:)``); what it notes in
        /// the request is carried to dispatch.
        var bodyPlan: (inout HTTPRequest) -> HTTPBodyPlan
        /// A route's constant answer to a request without a body, sent without dispatching it
        /// (``HTTPResponder/prebuiltResponse(for:)``).
        var prebuiltResponse: (HTTPRequestHead) -> PrebuiltResponse? = { _ in nil }
        var errorResponse: (HTTPStatus, HTTPParseError?) -> HTTPResponse
        /// A new request id, for requests without a sane one of their own.
        var makeRequestID: () -> InlineRequestID
        /// The `Date: …\r\n` field for a response made now.
        var dateField: () -> [UInt8]
        /// Whether `requestCompleted` reads the summary's id (``HTTPServerHooks/completionReadsRequestID``).
        var completionReadsRequestID = true
        /// Called when a body destination is refused as the wrong size (a route's bug).
        var planFailed: (_ requestID: String, _ error: HTTPServerError) -> Void
        /// Told of each finished request (the server's completion hook): after its response is
        /// queued, or when the connection closes before that.
        var requestCompleted: (HTTPRequestSummary) -> Void
        /// The index of the event loop serving the connection (``HTTPRequestSummary/eventLoop``).
        var eventLoop = 0
    }

    /// Changed only by the machine's own methods (its files), never by the shell.
    var phase: Phase
    let environment: Environment
    var parser: HTTPRequestParser
    /// Received bytes not yet consumed start at `inputStart`.
    private(set) var input: [UInt8] = []
    private(set) var inputStart = 0
    /// The body of the current request while ``Phase/readingBody(_:)`` appends to it. Kept
    /// beside the phase rather than in it, so appending never copies it (an enum payload taken
    /// out to be changed would share its buffer).
    var body: [UInt8] = []
    /// What is recorded about the request being served while the phase is
    /// ``Phase/readingBody(_:)`` or ``Phase/responding(_:)`` (stale in the others). Kept beside
    /// the phase, like `body`: the phase is looked at several times per request, and each look
    /// copied the exchange's strings with it.
    var exchange: Exchange
    /// The request ``ConnectionAction/dispatch`` hands over, until the shell takes it
    /// (``takeRequest()``). Held here rather than in the action, so that the action, returned
    /// and moved several times per request, stays a few words long.
    var dispatchable: HTTPRequest?
    /// Where response heads are encoded, reused from one response to the next (``HeadBuffer``).
    var headBuffer = HeadBuffer()
    /// The status line and fields of the last response, for a response with the same fields.
    var encodedFields = EncodedFieldsCache()
    /// The last constant answer this connection was given, with what it answered: a keep-alive
    /// client asking the same again (a probe, a load balancer's health check, a benchmark) gets
    /// it without the responder's lookup (``constantAnswer(for:)``).
    var lastConstant: ConstantHit?
    /// Bytes the shell holds queued for the socket (``wrote(_:pending:now:)``).
    var pendingOutput = 0
    var lastWriteProgress: UInt64
    /// The client shut its side (a read returned 0).
    private(set) var peerClosed = false
    /// The server shuts down: answer what is in flight with `Connection: close`, take nothing new.
    private(set) var isDraining = false
    private(set) var requestsServed = 0

    /// Bytes of unparsed input above which a connection that cannot use them stops reading.
    static let inputHighWater = 64 << 10
    /// Bodies of at least this many bytes (Content-Length) are read into a buffer of their full
    /// size up front and, when nothing is buffered ahead of them, straight from the socket.
    static let directBodyThreshold = 32 << 10
    /// How long a lingering close reads and discards before closing anyway.
    static let lingerDuration: UInt64 = 2_000_000_000

    init(environment: Environment, now: UInt64, draining: Bool = false) {
        self.environment = environment
        exchange = Exchange(environment: environment)
        parser = HTTPRequestParser(limits: environment.limits)
        phase = environment.isTLS ? .handshaking(since: now) : .awaitingHead(AwaitingHead(since: now))
        lastWriteProgress = now
        isDraining = draining
    }

    var unreadCount: Int { input.count - inputStart }

    // MARK: What the shell asks

    /// Whether the shell should read from the socket: the phase can use input, and not so much is
    /// buffered that reading more would only grow the buffer.
    var wantsInput: Bool {
        if peerClosed { return false }
        switch phase {
        case .handshaking, .readingBody, .lingering: return true
        case .awaitingHead: return unreadCount < Self.inputHighWater || pendingOutput <= environment.limits.writeBufferHighWater
        case .responding: return unreadCount < Self.inputHighWater
        case .finishing(let lingers): return lingers
        case .closed: return false
        }
    }

    /// Where the next read should land when it can go straight into the body's destination: a
    /// Content-Length body read in place, with nothing buffered ahead of it. Never past the
    /// body's end, so a pipelined request behind it stays unread.
    var bodyReadTarget: (destination: any HTTPBodyDestination, offset: Int)? {
        guard case .readingBody(let reading) = phase, let destination = reading.destination, unreadCount == 0,
            !reading.decoder.isComplete
        else { return nil }
        return (destination, reading.filled)
    }

    /// Whether the connection holds no request: idle keep-alive, handshaking, or a head in progress.
    var isWaitingForRequest: Bool {
        switch phase {
        case .handshaking, .awaitingHead: true
        default: false
        }
    }

    /// Since when the connection has waited for its current request (or handshake); nil when
    /// it is serving one.
    var waitingSince: UInt64? {
        switch phase {
        case .handshaking(let since): since
        case .awaitingHead(let state): state.since
        default: nil
        }
    }

    var isClosed: Bool {
        if case .closed = phase { return true }
        return false
    }

    /// Whether a response is being streamed: chunks from its producer are welcome.
    var isStreaming: Bool {
        if case .responding(let responding) = phase, case .streaming = responding.stage { return true }
        return false
    }

    // MARK: Events from the socket

    /// The TLS handshake finished: requests may come.
    mutating func handshakeFinished(now: UInt64) -> ConnectionAction {
        guard case .handshaking = phase else { return .none }
        phase = .awaitingHead(AwaitingHead(since: now))
        return next(now: now)
    }

    /// Bytes arrived (through the shell's read buffer).
    mutating func received(_ bytes: UnsafeRawBufferPointer, now: UInt64) -> ConnectionAction {
        switch phase {
        case .lingering, .closed, .finishing:
            return .none  // discarded: nothing after the last response is served
        default:
            break
        }
        if unreadCount == 0, case .awaitingHead = phase, pendingOutput <= environment.limits.writeBufferHighWater {
            return receivedHead(bytes, now: now)
        }
        keep(bytes)
        if case .readingBody(var reading) = phase {
            reading.lastProgress = now
            phase = .readingBody(reading)
        }
        return next(now: now)
    }

    /// Bytes that start a request, with nothing buffered before them (a keep-alive connection's
    /// next request, as a rule): the head is parsed where the bytes were read, and only what
    /// follows it (a body, pipelined requests) is copied into `input`. Copying every read into
    /// `input` first, then emptying it, cost about as much as parsing the head.
    private mutating func receivedHead(_ bytes: UnsafeRawBufferPointer, now: UInt64) -> ConnectionAction {
        let parsed: (HTTPRequestHead, consumed: Int)?
        do {
            parsed = try bytes.withMemoryRebound(to: UInt8.self) { bytes throws(HTTPParseError) in try parser.parseHead(bytes) }
        } catch {
            // As when parsed from `input`: the bytes count as the request's.
            keep(bytes)
            return fail(error.status, error, now: now)
        }
        // Consumed: the head moves on to `begin` (a `guard let` binding was copied there).
        switch consume parsed {
        case .none:
            // An incomplete head waits in `input`, where the parser left off (it scanned these same
            // bytes from the same start).
            keep(bytes)
            return next(now: now)
        case .some(let (head, consumed)):
            // `begin` reads nothing of `input`, so what follows the head is kept after it: the
            // part of a Content-Length body that came with the head goes straight where the body
            // is stored, one copy instead of two (into `input`, then out of it).
            let action = begin(head, headBytes: consumed, startedAt: now, now: now)
            var rest = UnsafeRawBufferPointer(rebasing: bytes[consumed...])
            if case .none = action { rest = UnsafeRawBufferPointer(rebasing: rest[takeLengthBody(rest)...]) }
            keep(rest)
            if case .none = action { return next(now: now) }
            return action
        }
    }

    /// Stores the front of `bytes` that belongs to the Content-Length body being read (in its
    /// destination, or `body`) and returns how many bytes that was.
    private mutating func takeLengthBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard case .readingBody(var reading) = phase, let remaining = reading.decoder.remainingLength else { return 0 }
        let count = min(remaining, bytes.count)
        if count == 0 { return 0 }
        let part = UnsafeRawBufferPointer(rebasing: bytes[..<count])
        if let destination = reading.destination {
            let filled = reading.filled
            destination.withUnsafeMutableBytes { target in
                UnsafeMutableRawBufferPointer(rebasing: target[filled..<(filled + count)]).copyMemory(from: part)
            }
            reading.filled += count
        } else {
            body.append(contentsOf: part.assumingMemoryBound(to: UInt8.self))
        }
        reading.decoder.advanceLength(by: count)
        exchange.bytesIn += count
        phase = .readingBody(reading)
        return count
    }

    /// Appends unconsumed bytes to `input`.
    private mutating func keep(_ bytes: UnsafeRawBufferPointer) {
        if bytes.isEmpty { return }
        if inputStart == input.count && !input.isEmpty {
            input.removeAll(keepingCapacity: input.capacity <= Self.inputHighWater)
            inputStart = 0
        }
        input.append(contentsOf: bytes)
    }

    /// `count` bytes were read straight into ``bodyReadTarget``.
    mutating func receivedIntoBody(_ count: Int, now: UInt64) -> ConnectionAction {
        guard case .readingBody(var reading) = phase, reading.destination != nil else { return .none }
        reading.filled += count
        reading.decoder.advanceLength(by: count)
        exchange.bytesIn += count
        reading.lastProgress = now
        phase = .readingBody(reading)
        return next(now: now)
    }

    /// A read returned 0: the client will send nothing more (it may still read).
    mutating func peerClosed(now: UInt64) -> ConnectionAction {
        peerClosed = true
        if case .lingering = phase {
            phase = .closed
            return .close
        }
        return next(now: now)
    }

    /// The server shuts down: an idle connection closes (after its output), a busy one after its
    /// current response, which then says `Connection: close`.
    mutating func drain(now: UInt64) -> ConnectionAction {
        isDraining = true
        switch phase {
        case .handshaking:
            phase = .closed
            return .close
        case .awaitingHead(let state) where state.headStartedAt == nil:
            return next(now: now)
        default:
            return .none
        }
    }

    /// The shell closed the socket (an error, a shed, or a ``ConnectionAction/close``): a
    /// request cut short is reported to the completion hook.
    mutating func closed(now: UInt64) {
        let serving: Bool
        var answered = false
        switch phase {
        case .readingBody:
            serving = true
        case .responding(let responding):
            serving = true
            answered = responding.stage != .awaitingResponse
        default:
            serving = false
        }
        phase = .closed
        dispatchable = nil
        if serving {
            if !answered { exchange.unanswered() }
            exchange.finish(now: now, completed: false)
            environment.requestCompleted(exchange.completedSummary(withID: environment.completionReadsRequestID))
        }
    }

    /// The request of the last ``ConnectionAction/dispatch``, moved out (nil once taken).
    mutating func takeRequest() -> HTTPRequest? {
        dispatchable.take()
    }

    /// Consumes `count` unread bytes, compacting the buffer when much of it is dead.
    mutating func consume(_ count: Int) {
        inputStart += count
        if inputStart == input.count {
            input.removeAll(keepingCapacity: input.capacity <= Self.inputHighWater)
            inputStart = 0
        } else if inputStart > 32 << 10 {
            input.removeFirst(inputStart)
            inputStart = 0
        }
    }

    mutating func countServed() {
        requestsServed += 1
    }

    mutating func outputQueued(_ count: Int, now: UInt64) {
        if pendingOutput == 0 { lastWriteProgress = now }
        pendingOutput += count
    }
}

/// What the I/O shell must do next for a connection.
enum ConnectionAction {
    /// Nothing until the next event (more bytes, a response, writable, the time).
    case none
    /// Queue `head` then `body` for the socket; `urgent` writes at once (a 100 Continue, a
    /// stream), else at the end of the loop's turn with the other responses made in it.
    case write(head: [UInt8], body: [UInt8], urgent: Bool)
    /// Queue a response's head, encoded into the machine's reused ``HeadBuffer``, then `body`;
    /// `urgent` as for ``write(head:body:urgent:)``.
    case writeResponse(head: HeadBuffer, body: [UInt8], urgent: Bool)
    /// Queue a streamed chunk lent by its producer between its framing, and write at once.
    case writeLent(prefix: [UInt8], bytes: BorrowedBytes, suffix: [UInt8])
    /// Hand the request (``ConnectionMachine/takeRequest()``) to the responder; its response
    /// comes back through ``ConnectionMachine/responseReady(_:now:)``.
    case dispatch
    /// Shut our side of the socket and keep reading until the peer closes (lingering close).
    case shutDownWriting
    /// Close the socket now.
    case close
}

/// Where a request's id comes from: the client's own, or one the server made.
enum RequestIDSource {
    case given(String)
    case made(InlineRequestID)
}

/// What the server records about the request being served, for its response and the completion hook.
///
/// The completion hook's ``HTTPRequestSummary`` is kept whole, filled in as the exchange goes,
/// and handed to the hook as it is: building one at the end copied its five strings (and the
/// hook's caller released them again) for every request.
struct Exchange {
    private(set) var summary: HTTPRequestSummary
    var version: HTTPVersion
    var startedAt: UInt64
    var isHead: Bool
    var keepAlive: Bool

    /// The id the server made for this request, while the summary's `id` is not yet its text
    /// (``id``): a constant answer writes it into its head as bytes, and a completion hook
    /// that reads no ids never needs its text.
    private var madeID: InlineRequestID?

    /// The request's id as text, made from ``madeID`` the first time it is needed.
    var id: String {
        mutating get {
            if let made = madeID {
                summary.id = made.string
                madeID = nil
            }
            return summary.id
        }
    }
    var method: HTTPMethod { summary.method }
    var status: HTTPStatus {
        get { summary.status }
        set { summary.status = newValue }
    }
    var route: String? {
        get { summary.route }
        set { summary.route = newValue }
    }
    var bytesIn: Int {
        get { summary.bytesIn }
        set { summary.bytesIn = newValue }
    }
    var bytesOut: Int {
        get { summary.bytesOut }
        set { summary.bytesOut = newValue }
    }

    /// The machine's exchange before its first request, on the connection `environment` describes.
    init(environment: ConnectionMachine.Environment) {
        summary = HTTPRequestSummary(
            id: "", method: .get, route: nil, target: "", status: .internalServerError, bytesIn: 0, bytesOut: 0, duration: .zero,
            remoteAddress: environment.remoteAddress, completed: false, eventLoop: environment.eventLoop)
        version = .http1_1
        startedAt = 0
        isHead = false
        keepAlive = false
    }

    /// Starts recording the next request. Field by field, in place: a new exchange copied the
    /// connection's address in and destroyed the whole last one, for every request. The status
    /// and route are the last request's until its response sets them (``unanswered()`` when
    /// there is none).
    mutating func start(
        id: RequestIDSource, method: HTTPMethod, target: String, version: HTTPVersion, startedAt: UInt64, bytesIn: Int, isHead: Bool,
        keepAlive: Bool
    ) {
        switch id {
        case .given(let text):
            summary.id = text
            madeID = nil
        case .made(let made):
            summary.id = ""
            madeID = made
        }
        summary.method = method
        summary.target = target
        summary.bytesIn = bytesIn
        summary.bytesOut = 0
        summary.duration = .zero
        summary.completed = false
        self.version = version
        self.startedAt = startedAt
        self.isHead = isHead
        self.keepAlive = keepAlive
    }

    /// Writes the id into a response head: the bytes of one the server made, else the text.
    func writeID(into writer: inout ByteWriter) {
        if let madeID { madeID.write(into: &writer) } else { writer.write(summary.id) }
    }

    /// At most how many bytes ``writeID(into:)`` writes.
    var idByteCount: Int { madeID?.count ?? summary.id.utf8.count }

    /// The summary for the completion hook, with the id's text when `withID`, else with the id
    /// left empty if the server made it.
    mutating func completedSummary(withID: Bool) -> HTTPRequestSummary {
        if withID { _ = id }
        return summary
    }

    /// No response was made for the request: the summary says 500, with no route.
    mutating func unanswered() {
        summary.status = .internalServerError
        summary.route = nil
    }

    /// Ends the exchange at `now`: the summary's duration and whether the response was complete.
    mutating func finish(now: UInt64, completed: Bool) {
        summary.duration = .nanoseconds(Int64(clamping: now > startedAt ? now - startedAt : 0))
        summary.completed = completed
    }
}
