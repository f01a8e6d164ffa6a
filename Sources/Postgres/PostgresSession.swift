import Dispatch

/// A connection with a thread of its own: ``run(_:)`` hands a block to that thread (a serial
/// DispatchQueue, never Swift's cooperative pool nor an event loop) and awaits its result. The
/// connection opens on first use and opens again on the next call after it broke, so a
/// session outlives a PostgreSQL restart; it does not retry a call by itself.
public final class PostgresSession: Sendable {
    public let url: PostgresURL
    private let password: String?
    private let queue: DispatchQueue
    private let box = Box()

    /// The connection, touched only on `queue` (which is what makes the unchecked Sendable true).
    private final class Box: @unchecked Sendable {
        var connection: PostgresConnection?
    }

    public init(url: PostgresURL, password: String?, label: String = "paramd.postgres") {
        self.url = url
        self.password = password
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    /// Runs `body` on the session's thread with an open connection: a connection the server
    /// dropped while idle is noticed before `body` runs and replaced. When `body` finds the
    /// connection broken, the session drops it and the next call connects again.
    public func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let outcome: Result<T, any Error> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: self.runHere(body))
            }
        }
        return try outcome.get()
    }

    /// Closes the connection (the next call opens a new one).
    public func disconnect() async {
        await withCheckedContinuation { continuation in
            queue.async {
                self.box.connection = nil
                continuation.resume()
            }
        }
    }

    private func runHere<T>(_ body: (PostgresConnection) throws -> T) -> Result<T, any Error> {
        do {
            if box.connection?.isAlive != true {
                box.connection = nil
                box.connection = try PostgresConnection(url: url, password: password)
            }
            let value = try body(box.connection!)
            return .success(value)
        } catch {
            if box.connection?.isAlive != true { box.connection = nil }
            return .failure(error)
        }
    }
}
