import CLibPQ
import Glibc

/// A NOTIFY the server delivered: its channel, its payload, and the server process that sent it.
public struct PostgresNotification: Sendable, Equatable {
    public var channel: String
    public var payload: String
    public var senderPID: Int32

    public init(channel: String, payload: String, senderPID: Int32) {
        self.channel = channel
        self.payload = payload
        self.senderPID = senderPID
    }
}

extension PostgresConnection {
    /// Subscribes this connection to `channel` (quoted as an identifier).
    public func listen(_ channel: String) throws(PostgresError) {
        try execute("LISTEN \"\(channel.replacing("\"", with: "\"\""))\"")
    }

    /// Waits up to `timeoutMilliseconds` for the server to send something, then returns every
    /// notification that arrived (none on a timeout). Blocks the calling thread in poll(2).
    /// - Throws: `.connectionLost` when the socket closed or libpq could not read it.
    public func notifications(waitingUpTo timeoutMilliseconds: Int32) throws(PostgresError) -> [PostgresNotification] {
        var pending = drainNotifications()
        if !pending.isEmpty { return pending }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard descriptor.fd >= 0 else { throw lost() }
        let ready = poll(&descriptor, 1, timeoutMilliseconds)
        if ready < 0 && errno != EINTR { throw lost() }
        if ready > 0 {
            guard PQconsumeInput(handle) == 1, isUsable else { throw lost() }
            pending = drainNotifications()
        }
        return pending
    }

    /// Whether an idle connection is still up: a server that went away (restart, shutdown,
    /// `pg_terminate_backend`) leaves the socket readable (its goodbye, then EOF), which libpq
    /// only notices on the next call. One poll(2) without waiting; notifications read on the
    /// way stay queued for ``notifications(waitingUpTo:)``.
    public var isAlive: Bool {
        guard isUsable else { return false }
        // Reading the goodbye message and reading the EOF after it can take two rounds.
        for _ in 0..<3 {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard descriptor.fd >= 0 else { return false }
            guard poll(&descriptor, 1, 0) > 0 else { return isUsable }
            guard PQconsumeInput(handle) == 1, isUsable else { return false }
        }
        return isUsable
    }

    private func drainNotifications() -> [PostgresNotification] {
        var found: [PostgresNotification] = []
        while let notify = PQnotifies(handle) {
            found.append(
                PostgresNotification(
                    channel: String(cString: notify.pointee.relname), payload: String(cString: notify.pointee.extra),
                    senderPID: notify.pointee.be_pid))
            PQfreemem(notify)
        }
        return found
    }
}
