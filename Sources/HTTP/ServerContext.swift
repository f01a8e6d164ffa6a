import Synchronization

/// What every event loop of one server shares: immutable configuration, the responder, hooks,
/// TLS context, and the atomic connection count the cap is enforced on.
final class ServerContext: Sendable {
    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let hooks: HTTPServerHooks
    let tls: TLSContext?
    let requestIDPrefix: String
    private let connectionCount = Atomic<Int>(0)

    init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, hooks: HTTPServerHooks, tls: TLSContext?) {
        self.configuration = configuration
        self.responder = responder
        self.hooks = hooks
        self.tls = tls
        self.requestIDPrefix = String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16) + "-"
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
        connectionCount.subtract(1, ordering: .relaxed)
    }
}
