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

    public func loadAll() async -> StoreInventory {
        do {
            let inventory = try await files.loadAll()
            return StoreInventory(
                models: inventory.models.map(StoredModel.init(persisted:)),
                damaged: inventory.damaged.map { ($0.name, "\($0.damage)") })
        } catch {
            // The directory itself could not be listed: report it instead of starting empty in silence.
            return StoreInventory(models: [], damaged: [("*", "the data directory could not be read: \(error)")])
        }
    }

    public func save(_ model: StoredModel) async throws {
        try await files.save(model.persisted)
    }

    public func remove(name: String) async throws {
        do {
            try await files.delete(name)
        } catch .modelNotFound {
            // Already gone (e.g. a damaged folder removed by hand): the goal is reached.
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
