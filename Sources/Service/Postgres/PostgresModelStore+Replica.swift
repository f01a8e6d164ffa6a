import HTTP
import Postgres

extension PostgresModelStore: ReplicatedStore {
    func changes(of name: String, after version: Int) async throws(ModelStoreError) -> ReplicaUpdate {
        let known = incarnations.withLock { $0[name] }
        let loaded = try await run(on: session(for: name)) { connection in
            try connection.transaction { () throws -> (Int64, StoredModel)? in
                // Only changed tensors when this is the model the replica holds; all when it was
                // created again under the same name.
                guard let (id, changed) = try Self.loadModel(name, paths: nil, sinceVersion: version, on: connection) else { return nil }
                if id == known { return (id, changed) }
                return try Self.loadModel(name, paths: nil, sinceVersion: nil, on: connection)
            }
        }
        guard let (id, model) = loaded else {
            incarnations.withLock { $0[name] = nil }
            return .gone
        }
        incarnations.withLock { $0[name] = id }
        if id != known { return .whole(model) }
        return model.version > version ? .changed(model) : .upToDate
    }

    func committedVersion(of name: String) async throws(ModelStoreError) -> Int? {
        try await run(on: session(for: name)) { connection in
            let row = try connection.execute("SELECT version FROM paramd_models WHERE name = $1", [.text(name)])
            return row.rowCount == 1 ? Int(try row.int64(0, 0)) : nil
        }
    }

    func follow(
        onCommit: @escaping @Sendable (String, Int) -> Void, onReconnect: @escaping @Sendable () -> Void
    ) -> ReplicaFollower {
        ReplicaFollower(
            url: url, password: password, channel: PostgresSchema.channel, health: health, onCommit: onCommit, onReconnect: onReconnect)
    }
}
