import HTTP
import JSON
public import Postgres
import Synchronization

/// The ``ModelStore`` that replicas share: models in PostgreSQL, one row per tensor.
///
/// - A commit is one transaction: the model row's version is compared and set (`UPDATE … WHERE
///   version = expected`), only the tensors the commit names are written (an element run with
///   `overlay`, so a one-element PATCH sends four bytes), and `NOTIFY paramd_commits` is queued
///   in the same transaction, so it is delivered if and only if the commit is.
/// - `apply` returns after COMMIT returned, so an acknowledged write is as durable as the
///   server's `synchronous_commit` makes it: `on` (PostgreSQL's default) waits for the WAL
///   flush on the primary (and for synchronous standbys, if configured); `off` would trade the
///   last few hundred milliseconds of acknowledged writes for speed — leave it on.
/// - A tensor row holds at most 1 GB (bytea's limit); larger tensors are refused before any
///   statement runs.
/// - Every call runs on a ``PostgresSession``'s own thread; a model's calls always use the
///   same session, so its commits reach the server in the order the model's owner sent them.
public final class PostgresModelStore: ModelStore {
    public let url: PostgresURL
    /// For the follower's own connection; never logged.
    let password: String?
    private let sessions: [PostgresSession]
    private let nextSession = Atomic<Int>(0)
    /// The row id each model had when this replica last read or wrote it: a different id under
    /// the same name means the model was deleted and created again, so a replica reloads it whole.
    let incarnations = Locked<[String: Int64]>([:])
    /// Whether the schema was migrated by this process.
    private let isMigrated = Atomic<Bool>(false)
    /// Whether the database answered the last call, and if not, why (for /readyz).
    let health = StoreHealth()

    /// bytea's limit: one field holds at most 1 GB.
    static let maxTensorBytes = (1 << 30) - 1

    /// Connects lazily: nothing is opened until the first call.
    /// - Parameter connections: sessions for concurrent calls (models are spread over them).
    public init(url: PostgresURL, password: String?, connections: Int = 4) {
        self.url = url
        self.password = password
        sessions = (0..<max(connections, 1)).map { PostgresSession(url: url, password: password, label: "paramd.postgres.\($0)") }
    }

    /// The session for `model`: always the same one, so a model's commits stay in order.
    func session(for model: String) -> PostgresSession {
        var hasher = Hasher()
        hasher.combine(model)
        return sessions[Int(UInt(bitPattern: hasher.finalize()) % UInt(sessions.count))]
    }

    private func anySession() -> PostgresSession {
        sessions[nextSession.wrappingAdd(1, ordering: .relaxed).oldValue % sessions.count]
    }

    /// Runs `body` on `session` once the schema is migrated; failures become ``ModelStoreError``s
    /// (a lost or refused connection: `.unavailable`, which the service answers 503).
    func run<T: Sendable>(
        on session: PostgresSession, _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws(ModelStoreError) -> T {
        let migrate = !isMigrated.load(ordering: .acquiring)
        do {
            let value = try await session.run { connection in
                if migrate { try PostgresSchema.migrate(connection) }
                return try body(connection)
            }
            if migrate { isMigrated.store(true, ordering: .releasing) }
            health.markReachable()
            return value
        } catch let error as ModelStoreError {
            throw error
        } catch let error as PostgresError {
            if error.isTransient {
                health.markUnreachable("\(error)")
                throw .unavailable("\(error)")
            }
            health.markReachable()
            // Class 53: insufficient resources (disk full, out of memory).
            if case .serverError(let state, _) = error, state.hasPrefix("53") { throw .full("\(error)") }
            throw .failure("\(error)")
        } catch {
            throw .failure("\(error)")
        }
    }

    public func list() async throws(ModelStoreError) -> StoreListing {
        try await run(on: anySession()) { connection in
            let rows = try connection.execute("SELECT name, version FROM paramd_models ORDER BY name")
            return StoreListing(
                models: try (0..<rows.rowCount).map { StoredModelSummary(name: rows.text($0, 0), version: Int(try rows.int64($0, 1))) },
                damaged: [])
        }
    }

    public func load(_ name: String, tensors: Set<String>?) async throws(ModelStoreError) -> StoredModel {
        let loaded = try await run(on: session(for: name)) { connection in
            try connection.transaction {
                try Self.loadModel(name, paths: tensors, sinceVersion: nil, on: connection)
            }
        }
        guard let (id, model) = loaded else { throw .notFound(model: name) }
        incarnations.withLock { $0[name] = id }
        return model
    }

    public func apply(_ change: ModelChange) async throws(ModelStoreError) {
        try Self.checkSizes(change)
        let name = change.modelName
        let id = try await run(on: session(for: name)) { connection in
            try connection.transaction { () throws -> Int64? in
                let id: Int64?
                switch change {
                case .create(let model): id = try Self.create(model, on: connection)
                case .commit(let commit): id = try Self.commit(commit, on: connection)
                case .delete(let name, let expected): id = try Self.delete(name, expectedVersion: expected, on: connection)
                }
                try connection.execute(
                    "SELECT pg_notify($1, $2)", Self.values(.text(PostgresSchema.channel), .text(Self.notification(for: change))))
                return id
            }
        }
        incarnations.withLock { $0[name] = id }
    }

    /// The NOTIFY payload: `"<version> <model>"`, version 0 for a delete.
    static func notification(for change: ModelChange) -> String {
        switch change {
        case .create(let model): "\(model.version) \(model.name)"
        case .commit(let commit): "\(commit.version) \(commit.name)"
        case .delete(let name, _): "0 \(name)"
        }
    }

    /// Refuses a change whose tensor would not fit in one bytea, before anything is sent.
    private static func checkSizes(_ change: ModelChange) throws(ModelStoreError) {
        var sizes: [(path: String, bytes: Int)] = []
        switch change {
        case .create(let model): sizes = model.tensors.map { (path: $0.path, bytes: $0.values.count * 4) }
        case .commit(let commit): sizes = commit.tensors.map { (path: $0.path, bytes: $0.shape.reduce(1, *) * 4) }
        case .delete: break
        }
        for (path, bytes) in sizes where bytes > maxTensorBytes {
            throw .full(
                "the tensor \(path) is \(bytes) bytes; the PostgreSQL store keeps a tensor in one bytea, which holds at most 1 GB "
                    + "(\(maxTensorBytes / 4) float32 values): split the layer or use the file store")
        }
    }
}
