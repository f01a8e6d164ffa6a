import Dispatch

/// The async face of ``DataDirectory``: every call runs on a dispatch queue of its own, never
/// on Swift's cooperative pool, whose one thread per core a blocking fsync would stall (and
/// with it every request in flight).
///
/// The queue is concurrent, so saves of different models overlap their fsyncs; the caller
/// serializes writes to one model, as ``DataDirectory`` requires.
public final class ModelFileStore: Sendable {
    /// The synchronous directory underneath (for tests and tools; it blocks).
    public let directory: DataDirectory
    private let queue: DispatchQueue

    /// Opens the data directory at `root` (see ``DataDirectory/init(root:)``).
    public init(root: String) throws(StorageError) {
        directory = try DataDirectory(root: root)
        queue = DispatchQueue(label: "paramd.storage", qos: .userInitiated, attributes: .concurrent)
        queue.setSpecific(key: Self.queueKey, value: ())
    }

    /// Durably stores `model`; see ``DataDirectory/save(_:)``.
    public func save(_ model: PersistedModel) async throws(StorageError) {
        let directory = self.directory
        try await run { () throws(StorageError) in try directory.save(model) }
    }

    /// Reads one model; see ``DataDirectory/load(_:)``.
    public func load(_ name: String) async throws(StorageError) -> PersistedModel {
        let directory = self.directory
        return try await run { () throws(StorageError) in try directory.load(name) }
    }

    /// Durably deletes one model; see ``DataDirectory/delete(_:)``.
    public func delete(_ name: String) async throws(StorageError) {
        let directory = self.directory
        try await run { () throws(StorageError) in try directory.delete(name) }
    }

    /// Loads every model, reporting damaged ones; see ``DataDirectory/loadAll()``.
    public func loadAll() async throws(StorageError) -> DataDirectoryInventory {
        let directory = self.directory
        return try await run { () throws(StorageError) in try directory.loadAll() }
    }

    /// Whether the calling code runs on this store's queue (for tests of the threading).
    static func isOnStorageQueue() -> Bool { DispatchQueue.getSpecific(key: queueKey) != nil }

    private static let queueKey = DispatchSpecificKey<Void>()

    /// Runs blocking `work` on the queue and suspends the caller until it finishes.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws(StorageError) -> T) async throws(StorageError) -> T {
        let result: Result<T, StorageError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(StorageError) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
