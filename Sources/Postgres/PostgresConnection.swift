import CLibPQ
import Glibc

/// One libpq connection. Every call blocks its thread until the server answers, so it belongs
/// to one thread of its own (``PostgresSession`` gives it one); never call it from Swift's
/// cooperative pool or an event loop.
public final class PostgresConnection {
    let handle: OpaquePointer
    private let secrets: [String]

    /// Connects to `url` (libpq's URL rules: `postgresql://user@host:port/db?sslmode=…`),
    /// with `password` overriding any in the URL (libpq also reads `PGPASSWORD` and `~/.pgpass`).
    /// - Throws: `.connectionFailed` with libpq's reason, the password removed.
    public init(url: PostgresURL, password: String?, applicationName: String = "paramd") throws(PostgresError) {
        // A dbname holding a URL is expanded by libpq; keywords after it override what it says,
        // keywords before it are defaults the URL may override.
        var pairs: [(String, String)] = [("connect_timeout", "5"), ("fallback_application_name", applicationName), ("dbname", url.string)]
        if let password { pairs.append(("password", password)) }
        secrets = [password, url.password].compactMap { $0 }.filter { !$0.isEmpty }
        let keywords = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer { (keywords + values).forEach { free($0) } }
        var keywordPointers = keywords.map { UnsafePointer($0) } + [nil]
        var valuePointers = values.map { UnsafePointer($0) } + [nil]
        guard let opened = PQconnectdbParams(&keywordPointers, &valuePointers, 1) else {
            throw .connectionFailed("libpq could not allocate a connection")
        }
        guard PQstatus(opened) == CONNECTION_OK else {
            let message = Self.redact(String(cString: PQerrorMessage(opened)), secrets)
            PQfinish(opened)
            throw .connectionFailed(message)
        }
        handle = opened
        // libpq prints server notices (and a dropped connection's FATAL) to stderr by default;
        // paramd reports what matters through its own errors and logs instead.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    /// Whether the connection is still up as far as libpq knows (it learns of a break on the
    /// next call).
    public var isUsable: Bool { PQstatus(handle) == CONNECTION_OK }

    /// The socket, for waiting on notifications with poll(2).
    public var socket: Int32 { PQsocket(handle) }

    /// The server process serving this connection (`pg_backend_pid()`), for logs and tests.
    public var backendPID: Int32 { PQbackendPID(handle) }

    /// Runs one statement with `$1`, `$2`, … bound to `parameters`; rows come back binary.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue] = []) throws(PostgresError) -> PostgresResult {
        let encoded = parameters.map { $0.encoded() }
        defer { encoded.forEach { $0?.pointer.deallocate() } }
        let types = parameters.map(\.typeOID)
        let formats = parameters.map(\.format)
        let lengths = encoded.map { Int32($0?.count ?? 0) }
        let values: [UnsafePointer<CChar>?] = encoded.map { $0.map { UnsafePointer($0.pointer.assumingMemoryBound(to: CChar.self)) } }
        let result = PQexecParams(handle, sql, Int32(parameters.count), types, values, lengths, formats, 1)
        return try checked(result)
    }

    /// Runs `body` inside BEGIN … COMMIT; any error rolls back and is rethrown. COMMIT's own
    /// failure (the connection broke) throws too: the caller then cannot know whether it took.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        let value: T
        do {
            value = try body()
        } catch {
            if isUsable { _ = try? execute("ROLLBACK") }
            throw error
        }
        try execute("COMMIT")
        return value
    }

    private func checked(_ result: OpaquePointer?) throws(PostgresError) -> PostgresResult {
        guard let result else { throw lost() }
        let status = PQresultStatus(result)
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK { return PostgresResult(result) }
        defer { PQclear(result) }
        if PQstatus(handle) != CONNECTION_OK { throw lost() }
        let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? "XX000"
        let message =
            PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            ?? String(cString: PQresultErrorMessage(result))
        throw .serverError(sqlState: sqlState, message: Self.redact(message, secrets))
    }

    func lost() -> PostgresError {
        .connectionLost(Self.redact(String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines, secrets))
    }

    static func redact(_ message: String, _ secrets: [String]) -> String {
        var message = message.trimmingTrailingNewlines
        for secret in secrets { message = message.replacing(secret, with: "***") }
        return message
    }
}

extension String {
    fileprivate var trimmingTrailingNewlines: String {
        var text = Substring(self)
        while text.last?.isNewline == true { text = text.dropLast() }
        return String(text)
    }
}
