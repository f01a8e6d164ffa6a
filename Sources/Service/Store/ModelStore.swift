/// Durable storage of models, behind which the embedded file store (``FileModelStore``), the
/// in-memory store of the Service tests (`MemoryModelStore`) and a database backend can sit alike.
///
/// ## The contract
///
/// - **Writes are changes.** ``apply(_:)`` takes one ``ModelChange``: a model created whole, a
///   commit that replaces some tensors (or some of their elements) and/or the document, or a
///   delete. A commit names the version it expects to find and the version it produces; the
///   store compares and sets, so a second writer elsewhere (another replica, a hand edit) is
///   detected as ``ModelStoreError/versionConflict(model:expected:found:)`` instead of being
///   overwritten.
/// - **Durable on return.** When `apply` returns, the change survives a crash or a power cut
///   (the file store has fsynced it; a database has committed it). Callers acknowledge a write
///   to a client only after that.
/// - **Atomic.** A change is stored whole or not at all: when `apply` throws, what was stored
///   before is still there and a later `load` returns it unchanged. A crash during `apply`
///   leaves either the old state or the new one, never a mix. (When the store cannot tell
///   whether a failed change reached the disk, as after a failed fsync, it still leaves the old
///   state readable and the next change on top of it consistent.)
/// - **One writer per model in this process.** The service sends a model's changes one at a
///   time, in version order (its model owner batches concurrent writes into one commit, so a
///   batch costs one durable write). Changes to different models may arrive concurrently.
/// - **No HTTP here.** Failures are ``ModelStoreError``s saying what happened; the service maps
///   them to statuses in one place.
/// - **Threads.** Implementations must not block the cooperative thread pool: their disk or
///   network waits run on threads of their own (or on non-blocking I/O).
///
/// ## Loading
///
/// ``list()`` names the stored models and their versions (and those that cannot be read);
/// ``load(_:tensors:)`` reads one model, or only some of its tensors, so a replica can fetch
/// one model or refresh the tensors a commit named. ``loadAll()`` is both, for start-up.
public protocol ModelStore: Sendable {
    /// The stored models with their versions, and those that are stored but unreadable.
    /// - Throws: when the store itself cannot be read (not for one damaged model).
    func list() async throws(ModelStoreError) -> StoreListing

    /// One stored model at its latest durable version.
    /// - Parameter tensors: the state-dict paths to read; nil reads every tensor. Paths the model
    ///   does not hold are left out of the result, not an error.
    /// - Throws: `.notFound` when no model has that name, `.damaged` when it cannot be trusted.
    func load(_ name: String, tensors: Set<String>?) async throws(ModelStoreError) -> StoredModel

    /// Makes `change` durable, whole, before returning; see the contract above.
    /// - Throws: `.alreadyExists` (create), `.notFound` (commit, delete), `.versionConflict`
    ///   when the stored version is not the one the change expects, `.full` or `.failure` when
    ///   the medium refused; in every case nothing of the change is stored.
    func apply(_ change: ModelChange) async throws(ModelStoreError)

    /// Where the service should run the commits of model `name`: an executor whose threads may
    /// block and on which ``apply(_:)`` of a commit runs in line, without a thread hop (the
    /// file store's per-model queue); nil, the default, for a store that does not block (the
    /// commits then run on the global pool).
    func commitExecutor(for name: String) -> (any TaskExecutor)?

    /// The service keeps model `name`'s latest durable state in memory from now on and lends it
    /// on demand (`latest`: a durable version, or nil once the model is gone). A store that kept
    /// the tensors itself (to write checkpoints, to answer ``load(_:tensors:)``) drops them and
    /// asks `latest` instead, so each tensor has one holder, the service, which can then write
    /// an edit into a tensor no reader holds instead of copying it. The default keeps what the
    /// store keeps.
    func lend(_ name: String, latest: @escaping @Sendable () -> StoredModel?)
}

extension ModelStore {
    public func commitExecutor(for name: String) -> (any TaskExecutor)? { nil }

    public func lend(_ name: String, latest: @escaping @Sendable () -> StoredModel?) {}

    /// Every stored model, whole: ``list()`` then ``load(_:tensors:)`` each; a model that fails
    /// to load is reported as damaged, never stops the others.
    public func loadAll() async -> StoreInventory {
        let listing: StoreListing
        do {
            listing = try await list()
        } catch {
            // The store itself could not be read: report it instead of starting empty in silence.
            return StoreInventory(models: [], damaged: [("*", "the store could not be read: \(error)")])
        }
        var inventory = StoreInventory(models: [], damaged: listing.damaged)
        for summary in listing.models {
            do {
                inventory.models.append(try await load(summary.name, tensors: nil))
            } catch {
                inventory.damaged.append((summary.name, "\(error)"))
            }
        }
        return inventory
    }
}

/// What ``ModelStore/list()`` found.
public struct StoreListing: Sendable {
    /// Readable models by name, sorted.
    public var models: [StoredModelSummary]
    /// Stored but unreadable models, by name, with the reason.
    public var damaged: [(name: String, reason: String)]

    public init(models: [StoredModelSummary], damaged: [(name: String, reason: String)]) {
        self.models = models
        self.damaged = damaged
    }
}

/// A stored model's name and latest durable version.
public struct StoredModelSummary: Sendable, Equatable {
    public var name: String
    public var version: Int

    public init(name: String, version: Int) {
        self.name = name
        self.version = version
    }
}

/// What loading every model found (``ModelStore/loadAll()``).
public struct StoreInventory: Sendable {
    public var models: [StoredModel]
    /// Models that could not be read, by name, with the reason.
    public var damaged: [(name: String, reason: String)]

    public init(models: [StoredModel], damaged: [(name: String, reason: String)]) {
        self.models = models
        self.damaged = damaged
    }
}
