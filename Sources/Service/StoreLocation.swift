public import Postgres

/// Where the models live: `--store` (or `PARAMD_STORE`).
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// A data directory on this machine (the default, `./paramd-data`): one server owns it.
    case directory(String)
    /// A PostgreSQL database that any number of replicas share; `password` overrides the URL's
    /// (from `--store-password-file`; libpq also reads `PGPASSWORD` by itself).
    case postgres(PostgresURL, password: String?)

    /// Reads `--store`: a path, a `file:` URL (`file:///abs/path`, `file:relative`), or a
    /// `postgresql://` / `postgres://` URL as libpq reads it.
    /// - Throws: ``StoreLocationError`` naming what is wrong, the password never included.
    public static func parse(_ text: String, password: String? = nil) throws(StoreLocationError) -> StoreLocation {
        if let url = PostgresURL(text) { return .postgres(url, password: password) }
        if password != nil { throw .passwordWithoutDatabase }
        if text.hasPrefix("file:") {
            var path = text.dropFirst("file:".count)
            if path.hasPrefix("//") {
                path = path.dropFirst(2)
                if path.hasPrefix("localhost/") { path = path.dropFirst("localhost".count) }
                guard path.hasPrefix("/") else { throw .fileURLWithHost(text) }
            }
            guard !path.isEmpty else { throw .empty }
            return .directory(String(path))
        }
        if let scheme = text.firstRange(of: "://") {
            throw .unknownScheme(String(text[..<scheme.lowerBound]))
        }
        guard !text.isEmpty else { throw .empty }
        return .directory(text)
    }

    /// For logs: the path, or the URL without its password.
    public var description: String {
        switch self {
        case .directory(let path): path
        case .postgres(let url, _): url.redacted
        }
    }
}

/// Why `--store` was refused.
public enum StoreLocationError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case unknownScheme(String)
    case fileURLWithHost(String)
    case passwordWithoutDatabase

    public var description: String {
        switch self {
        case .empty: "--store is empty: give a directory, a file: URL or a postgresql:// URL"
        case .unknownScheme(let scheme):
            "--store does not know the scheme \(scheme.debugDescription): give a directory, a file: URL or a postgresql:// URL"
        case .fileURLWithHost(let url): "--store \(url.debugDescription) names another host: a file: URL is a path on this machine"
        case .passwordWithoutDatabase: "--store-password-file is for a postgresql:// store, not a directory"
        }
    }
}
