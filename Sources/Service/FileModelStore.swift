import HTTP
import Dispatch
import NeuralNet

/// The ``ModelStore`` of a running server: the data directory of `Storage/`, a checkpoint and
/// a commit log per model (``DataDirectory``, ``CommitLog``). A commit costs one log append and
/// one `fdatasync`, in proportion to what changed; checkpoints are rewritten in the background.
///
/// Opening loads every model (checkpoint read straight into the tensors' storage, log
/// replayed); afterwards the store keeps each model's latest durable state, sharing its
/// tensors with the service's snapshots, until the service lends its own (``lend(_:latest:)``):
/// then the store keeps the version and sizes alone and asks for the tensors when it writes a
/// checkpoint. `list` and `load` read no disk. All disk work runs
/// on dispatch queues of its own, never on the cooperative pool.
public final class FileModelStore: ModelStore {
    /// The synchronous directory underneath (for tests and tools; it blocks).
    public let directory: DataDirectory
    private let policy: CheckpointPolicy
    private let models: Locked<Models>
    private let creates = DispatchQueue(label: "paramd.storage.create", qos: .userInitiated, attributes: .concurrent)

    private struct Models {
        var open: [String: ModelFiles] = [:]
        var damaged: [String: String] = [:]
        /// Names of creates in flight.
        var creating: Set<String> = []
    }

    /// Opens the data directory at `root` (created when missing; converted from format 1),
    /// takes its lock and loads every model.
    /// - Throws: `StorageError`, e.g. `.directoryInUse` when another server holds it,
    ///   `.newerFormat` for a directory of a newer paramd.
    public init(root: String, checkpointPolicy: CheckpointPolicy = CheckpointPolicy()) throws(StorageError) {
        directory = try DataDirectory(root: root)
        policy = checkpointPolicy
        let (inventory, logs) = try directory.openAll()
        var models = Models()
        for persisted in inventory.models {
            guard let log = logs[persisted.name] else { continue }
            models.open[persisted.name] = ModelFiles(
                model: StoredModel(persisted: persisted), log: log, directory: directory, policy: checkpointPolicy)
        }
        for (name, damage) in inventory.damaged { models.damaged[name] = "\(damage)" }
        self.models = Locked(models)
    }

    public func list() async throws(ModelStoreError) -> StoreListing {
        models.withLock { models in
            StoreListing(
                models: models.open.values.map { StoredModelSummary(name: $0.name, version: $0.version) }.sorted {
                    $0.name < $1.name
                },
                damaged: models.damaged.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
    }

    public func load(_ name: String, tensors paths: Set<String>?) async throws(ModelStoreError) -> StoredModel {
        let (files, damage) = models.withLock { ($0.open[name], $0.damaged[name]) }
        if let damage { throw .damaged(model: name, reason: damage) }
        guard var model = files?.latest else { throw .notFound(model: name) }
        if let paths { model.tensors.removeAll { !paths.contains($0.path) } }
        return model
    }

    public func apply(_ change: ModelChange) async throws(ModelStoreError) {
        switch change {
        case .create(let model):
            try await create(model)
        case .commit(let commit):
            guard let files = models.withLock({ $0.open[commit.name] }) else { throw .notFound(model: commit.name) }
            try await files.run { (files) throws(ModelStoreError) in try files.commit(commit) }
        case .delete(let name, let expectedVersion):
            try await delete(name, expectedVersion: expectedVersion)
        }
    }

    /// The model's own serial queue: its owner's commits run there, in line with the appends.
    public func commitExecutor(for name: String) -> (any TaskExecutor)? {
        models.withLock { $0.open[name]?.executor }
    }

    /// The service's snapshots hold the model from now on: its files keep no tensors.
    public func lend(_ name: String, latest: @escaping @Sendable () -> StoredModel?) {
        models.withLock { $0.open[name] }?.lend(latest)
    }

    private func create(_ model: StoredModel) async throws(ModelStoreError) {
        try models.withLock { (models) throws(ModelStoreError) in
            guard models.open[model.name] == nil, models.damaged[model.name] == nil, !models.creating.contains(model.name) else {
                throw .alreadyExists(model: model.name)
            }
            models.creating.insert(model.name)
        }
        let directory = self.directory
        let policy = self.policy
        let result: Result<ModelFiles, StorageError> = await withCheckedContinuation { continuation in
            creates.async {
                continuation.resume(
                    returning: Result { () throws(StorageError) in
                        let log = try directory.create(model.persisted)
                        return ModelFiles(model: model, log: log, directory: directory, policy: policy)
                    })
            }
        }
        models.withLock { models in
            models.creating.remove(model.name)
            if case .success(let files) = result { models.open[model.name] = files }
        }
        if case .failure(let error) = result { throw ModelStoreError(error) }
    }

    private func delete(_ name: String, expectedVersion: Int?) async throws(ModelStoreError) {
        if let files = models.withLock({ $0.open[name] }) {
            try await files.run { (files) throws(ModelStoreError) in try files.delete(expectedVersion: expectedVersion) }
            models.withLock { models in
                if models.open[name] === files { models.open[name] = nil }
            }
            return
        }
        guard models.withLock({ $0.damaged[name] != nil }) else { throw .notFound(model: name) }
        let directory = self.directory
        let result: Result<Void, StorageError> = await withCheckedContinuation { continuation in
            creates.async { continuation.resume(returning: Result { () throws(StorageError) in try directory.delete(name) }) }
        }
        switch result {
        case .success, .failure(.modelNotFound):
            models.withLock { _ = $0.damaged.removeValue(forKey: name) }
        case .failure(let error):
            throw ModelStoreError(error)
        }
    }
}

extension ModelStoreError {
    /// The store's view of a file-system failure.
    init(_ error: StorageError) {
        switch error {
        case .modelNotFound(let name): self = .notFound(model: name)
        case .damagedModel(let name, let damage): self = .damaged(model: name, reason: "\(damage)")
        case .diskFull: self = .full("\(error)")
        default: self = .failure("\(error)")
        }
    }
}

extension StoredModel {
    init(persisted: PersistedModel) {
        self.init(
            name: persisted.name, version: persisted.version, document: persisted.document,
            tensors: persisted.tensors.map { StoredTensor(path: $0.name, shape: $0.shape, values: $0.values) })
    }

    var persisted: PersistedModel {
        PersistedModel(
            name: name, version: version, document: document,
            tensors: tensors.map { SafeTensorsEntry(name: $0.path, shape: $0.shape, values: $0.values) })
    }
}
