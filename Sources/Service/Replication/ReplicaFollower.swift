import Dispatch
import Postgres
import Synchronization

/// Listens for other replicas' commits on a connection and thread of its own (a blocking
/// poll(2) on the libpq socket, never the cooperative pool or an event loop).
///
/// After any lost connection it reconnects with exponential backoff (100 ms doubling to 5 s)
/// and calls `onReconnect` once it listens again: a notification sent while it was away is
/// gone, so the caller compares every model's version instead, and a missed NOTIFY never
/// leaves a model stale for longer than the outage.
final class ReplicaFollower: Sendable {
    private let url: PostgresURL
    private let password: String?
    private let channel: String
    private let health: StoreHealth
    private let onCommit: @Sendable (String, Int) -> Void
    private let onReconnect: @Sendable () -> Void
    private let isStopped = Atomic<Bool>(false)
    /// The listening connection's server process, for tests that cut it on purpose.
    let listenerPID = Atomic<Int32>(0)

    init(
        url: PostgresURL, password: String?, channel: String, health: StoreHealth,
        onCommit: @escaping @Sendable (String, Int) -> Void, onReconnect: @escaping @Sendable () -> Void
    ) {
        self.url = url
        self.password = password
        self.channel = channel
        self.health = health
        self.onCommit = onCommit
        self.onReconnect = onReconnect
        DispatchQueue(label: "paramd.replica-follower", qos: .userInitiated).async { self.loop() }
    }

    /// Ends the loop within one poll interval.
    func stop() { isStopped.store(true, ordering: .relaxed) }

    private func loop() {
        var backoff = Duration.milliseconds(100)
        while !isStopped.load(ordering: .relaxed) {
            do {
                let connection = try PostgresConnection(url: url, password: password, applicationName: "paramd follower")
                try connection.listen(channel)
                listenerPID.store(connection.backendPID, ordering: .relaxed)
                health.markReachable()
                backoff = .milliseconds(100)
                onReconnect()
                while !isStopped.load(ordering: .relaxed) {
                    for notification in try connection.notifications(waitingUpTo: 250) {
                        guard let (name, version) = Self.parse(notification.payload) else { continue }
                        onCommit(name, version)
                    }
                }
            } catch {
                listenerPID.store(0, ordering: .relaxed)
                health.markUnreachable("\(error)")
                Self.pause(backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    /// `"<version> <model>"`.
    static func parse(_ payload: String) -> (String, Int)? {
        guard let space = payload.firstIndex(of: " "), let version = Int(payload[..<space]) else { return nil }
        return (String(payload[payload.index(after: space)...]), version)
    }

    /// Waits on this thread (its own; nothing else runs on it).
    private static func pause(_ duration: Duration) {
        let semaphore = DispatchSemaphore(value: 0)
        let milliseconds = Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        _ = semaphore.wait(timeout: .now() + .milliseconds(milliseconds))
    }
}
