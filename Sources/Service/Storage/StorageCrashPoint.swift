import HTTP
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Named instants in the durability protocol where the kill -9 tests stop the server, to show
/// that a crash exactly there loses no acknowledged write and leaves nothing torn.
///
/// Off unless the environment of the process names a point: `PARAMD_CRASH_AT=log-cut-written`
/// kills the process with SIGKILL the first time it gets there, `…:3` the third time. Read
/// once at start; when unset, ``reach(_:)`` costs one load of a constant.
enum StorageCrashPoint: String, CaseIterable, Sendable {
    /// A log record is written, not yet fsynced.
    case appendWritten = "append-written"
    /// A log record is fsynced, not yet acknowledged.
    case appendSynced = "append-synced"
    /// A checkpoint's (or any durable file's) temporary file is fsynced, not yet renamed.
    case temporarySynced = "temporary-synced"
    /// A durable file was renamed into place; its directory is not yet fsynced.
    case renamed
    /// A cut log is written and fsynced, not yet renamed over the old one.
    case logCutWritten = "log-cut-written"
    /// The cut log replaced the old one; the folder is not yet fsynced.
    case logCutRenamed = "log-cut-renamed"

    private static let armed: (point: StorageCrashPoint, count: Int)? = {
        guard let raw = getenv("PARAMD_CRASH_AT").map({ String(cString: $0) }) else { return nil }
        let parts = raw.split(separator: ":")
        guard let point = parts.first.flatMap({ StorageCrashPoint(rawValue: String($0)) }) else { return nil }
        return (point, parts.count > 1 ? Int(parts[1]) ?? 1 : 1)
    }()

    private static let reached = Locked([StorageCrashPoint: Int]())

    /// Kills the process if the environment armed this point and this is the armed time.
    static func reach(_ point: StorageCrashPoint) {
        guard let armed, armed.point == point else { return }
        let count = reached.withLock { counts in
            counts[point, default: 0] += 1
            return counts[point]!
        }
        if count == armed.count { kill(getpid(), SIGKILL) }
    }
}
