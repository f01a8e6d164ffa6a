import NeuralNet

/// The ``ModelStore`` of a running server: the data directory of `Storage/`, whose writes are
/// durable (temp file, fsync, rename, directory fsync) and run on threads of their own.
public final class FileModelStore: ModelStore {
    private let files: ModelFileStore

    /// Opens the data directory at `root` (created when missing) and takes its lock.
    /// - Throws: `StorageError`, e.g. `.directoryInUse` when another server holds it.
    public init(root: String) throws {
        files = try ModelFileStore(root: root)
    }

    public func list() async throws(ModelStoreError) -> StoreListing {
        let inventory: DataDirectoryInventory
        do {
            inventory = try await files.loadAll()
        } catch {
            throw ModelStoreError(error)
        }
        return StoreListing(
            models: inventory.models.map { StoredModelSummary(name: $0.name, version: $0.version) },
            damaged: inventory.damaged.map { ($0.name, "\($0.damage)") })
    }

    public func load(_ name: String, tensors paths: Set<String>?) async throws(ModelStoreError) -> StoredModel {
        var model: StoredModel
        do {
            model = StoredModel(persisted: try await files.load(name))
        } catch {
            throw ModelStoreError(error)
        }
        if let paths { model.tensors.removeAll { !paths.contains($0.path) } }
        return model
    }

    public func apply(_ change: ModelChange) async throws(ModelStoreError) {
        switch change {
        case .create(let model):
            guard (try? await files.load(model.name)) == nil else { throw .alreadyExists(model: model.name) }
            try await mapped { () async throws(StorageError) in try await files.save(model.persisted) }
        case .commit(let commit):
            var model = try await load(commit.name, tensors: nil)
            guard model.version == commit.expectedVersion else {
                throw .versionConflict(model: commit.name, expected: commit.expectedVersion, found: model.version)
            }
            try model.apply(commit)
            let persisted = model.persisted
            try await mapped { () async throws(StorageError) in try await files.save(persisted) }
        case .delete(let name, _):
            try await mapped { () async throws(StorageError) in try await files.delete(name) }
        }
    }

    private func mapped(_ body: () async throws(StorageError) -> Void) async throws(ModelStoreError) {
        do throws(StorageError) {
            try await body()
        } catch {
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
