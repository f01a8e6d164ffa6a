/// What went wrong talking to PostgreSQL. Messages never carry the password: the connection
/// string is only ever shown redacted (``PostgresURL/redacted``).
public enum PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server could not be reached or refused the login (libpq's message, redacted).
    case connectionFailed(String)
    /// The connection broke during a call: the call's effect is unknown unless it was a
    /// transaction that had not reached COMMIT (then it was rolled back by the server).
    case connectionLost(String)
    /// The server answered with an error; `sqlState` is its five-character SQLSTATE code.
    case serverError(sqlState: String, message: String)
    /// The server answered with something the caller did not expect (wrong column type, width).
    case unexpectedResult(String)

    public var description: String {
        switch self {
        case .connectionFailed(let message): "cannot connect to PostgreSQL: \(message)"
        case .connectionLost(let message): "lost the connection to PostgreSQL: \(message)"
        case .serverError(let sqlState, let message): "PostgreSQL error \(sqlState): \(message)"
        case .unexpectedResult(let message): "unexpected answer from PostgreSQL: \(message)"
        }
    }

    /// Whether trying again later, on a new connection, may succeed (the server was down or
    /// restarting, or shed the connection), as opposed to a statement it will always refuse.
    public var isTransient: Bool {
        switch self {
        case .connectionFailed, .connectionLost: true
        // Class 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot
        // connect now; 40001/40P01: serialization failure, deadlock.
        case .serverError(let sqlState, _):
            sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03", "40001", "40P01"].contains(sqlState)
        case .unexpectedResult: false
        }
    }
}
