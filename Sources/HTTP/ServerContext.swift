import Synchronization

/// What every event loop of one server shares: immutable configuration, the responder, hooks,
/// TLS context, and the atomic connection count the cap is enforced on.
final class ServerContext: Sendable {
    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let hooks: HTTPServerHooks
    let tls: TLSContext?
    let requestIDPrefix: String
    /// The responder's constant answer to a head (``HTTPResponder/prebuiltResponse(for:)``),
    /// unless its body is one compression may apply to: that one takes the dispatch's way,
    /// which compresses.
    let prebuiltResponse: @Sendable (HTTPRequestHead) -> PrebuiltResponse?
    private let connectionCount = Atomic<Int>(0)
    /// Tasks waiting for the count to reach zero (a shutdown's grace period), by ticket.
    private let idleWaiters = Locked<(next: UInt64, waiting: [UInt64: CheckedContinuation<Void, Never>])>((0, [:]))

    init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, hooks: HTTPServerHooks, tls: TLSContext?) {
        self.configuration = configuration
        self.responder = responder
        self.hooks = hooks
        self.tls = tls
        let compression = configuration.compression
        prebuiltResponse = { head in
            guard let answer = responder.prebuiltResponse(for: head) else { return nil }
            return compression.isEnabled && answer.body.count >= compression.minimumBytes ? nil : answer
        }
        // Six base-62 digits: about 36 random bits, as many as the eight hex digits they replace.
        self.requestIDPrefix = Self.base62(UInt64.random(in: 916_132_832..<56_800_235_584)) + "-"
    }

    static let base62Digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `value` in base 62 (digits, then upper- and lower-case letters), most significant first.
    static func base62<Value: BinaryInteger>(_ value: Value) -> String {
        var rest = UInt64(value)
        var digits: [UInt8] = []
        repeat {
            digits.append(base62Digits[Int(rest % 62)])
            rest /= 62
        } while rest > 0
        return String(decoding: digits.reversed(), as: UTF8.self)
    }

    var openConnections: Int { connectionCount.load(ordering: .relaxed) }

    /// Takes a connection slot if one is free under ``HTTPLimits/maxConnections``.
    func reserveConnection() -> Bool {
        let limit = configuration.limits.maxConnections
        var current = connectionCount.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = connectionCount.compareExchange(
                expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func releaseConnection() {
        let (_, remaining) = connectionCount.subtract(1, ordering: .relaxed)
        guard remaining == 0 else { return }
        let waiters = idleWaiters.withLock { state in
            defer { state.waiting = [:] }
            return state.waiting.values
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once no connection is open, or when the calling task is cancelled.
    func waitUntilNoConnections() async {
        let ticket = idleWaiters.withLock { state in
            state.next += 1
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Checked under the lock the last release takes before resuming waiters.
                let done = idleWaiters.withLock { state in
                    if openConnections == 0 || Task.isCancelled { return true }
                    state.waiting[ticket] = continuation
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            idleWaiters.withLock { $0.waiting.removeValue(forKey: ticket) }?.resume()
        }
    }
}
