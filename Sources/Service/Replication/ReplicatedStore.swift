/// A store that other paramd processes write too (``PostgresModelStore``): each replica keeps
/// snapshots of it in memory and catches up with what the others committed.
protocol ReplicatedStore: ModelStore {
    /// What changed in `name` since this replica's `version`: only the tensors written after it.
    func changes(of name: String, after version: Int) async throws(ModelStoreError) -> ReplicaUpdate

    /// The committed version of `name`, nil when it is not stored: one short query, for
    /// `?consistent=true`.
    func committedVersion(of name: String) async throws(ModelStoreError) -> Int?

    /// Whether the store answers (/readyz).
    var health: StoreHealth { get }

    /// Starts following other replicas' commits: `onCommit(name, version)` for each one heard
    /// (version 0: deleted), `onReconnect()` whenever notifications may have been missed (at
    /// start and after every lost connection), so the caller compares every version.
    func follow(
        onCommit: @escaping @Sendable (String, Int) -> Void, onReconnect: @escaping @Sendable () -> Void
    ) -> ReplicaFollower
}

/// What a replica must do to match the store (``ReplicatedStore/changes(of:after:)``).
enum ReplicaUpdate: Sendable {
    /// The model is no longer stored.
    case gone
    /// The replica's version is the stored one (or newer: a commit of its own not yet heard).
    case upToDate
    /// The model was created again under this name (or the replica never had it): all of it.
    case whole(StoredModel)
    /// The stored version, its document, and only the tensors written after the replica's version.
    case changed(StoredModel)
}
