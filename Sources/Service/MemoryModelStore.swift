import Synchronization

/// A ``ModelStore`` in memory, for in-process tests: it can be told to fail the next writes,
/// to show that a failed save changes nothing and answers 507.
public final class MemoryModelStore: ModelStore {
    private struct State {
        var models: [String: StoredModel] = [:]
        var failingWrites = 0
        var saves = 0
        var saveDelay = Duration.zero
    }

    private let state = Mutex(State())

    public init(models: [StoredModel] = []) {
        state.withLock { state in
            for model in models { state.models[model.name] = model }
        }
    }

    /// Makes the next `count` saves or removals throw a ``StorageFailure``.
    public func failNextWrites(_ count: Int) {
        state.withLock { $0.failingWrites = count }
    }

    /// Makes every later save take `delay`, as a disk's fsync does.
    public func delaySaves(by delay: Duration) {
        state.withLock { $0.saveDelay = delay }
    }

    /// What is stored under `name`.
    public func stored(_ name: String) -> StoredModel? {
        state.withLock { $0.models[name] }
    }

    /// Successful saves so far.
    public var saveCount: Int { state.withLock { $0.saves } }

    public func loadAll() async -> StoreInventory {
        StoreInventory(models: state.withLock { Array($0.models.values) }, damaged: [])
    }

    public func save(_ model: StoredModel) async throws {
        let delay = state.withLock { $0.saveDelay }
        if delay > .zero { try await Task.sleep(for: delay) }
        try state.withLock { state in
            if state.failingWrites > 0 {
                state.failingWrites -= 1
                throw StorageFailure("simulated: no space left on device")
            }
            state.models[model.name] = model
            state.saves += 1
        }
    }

    public func remove(name: String) async throws {
        try state.withLock { state in
            if state.failingWrites > 0 {
                state.failingWrites -= 1
                throw StorageFailure("simulated: I/O error")
            }
            state.models[name] = nil
        }
    }
}
