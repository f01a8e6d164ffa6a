import Synchronization

/// A ``ModelStore`` in memory, for in-process tests: it can be told to fail the next writes,
/// to show that a failed save changes nothing and answers 507.
public final class MemoryModelStore: ModelStore {
    private struct State {
        var models: [String: StoredModel] = [:]
        var failingWrites = 0
        var saves = 0
        var saveDelay = Duration.zero
        /// While true, saves wait in `heldSaves` until ``releaseSaves()``.
        var holdsSaves = false
        var heldSaves: [CheckedContinuation<Void, Never>] = []
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

    /// Makes later saves wait, as a stalled disk does, until ``releaseSaves()``: tests then
    /// know a save is in progress (``heldSaveCount``) instead of guessing with a sleep.
    public func holdSaves() {
        state.withLock { $0.holdsSaves = true }
    }

    /// Lets every held save, and every later one, go on.
    public func releaseSaves() {
        let held = state.withLock { state in
            state.holdsSaves = false
            defer { state.heldSaves.removeAll() }
            return state.heldSaves
        }
        for save in held { save.resume() }
    }

    /// Saves waiting on ``holdSaves()`` now.
    public var heldSaveCount: Int { state.withLock { $0.heldSaves.count } }

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
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let proceeds = state.withLock { state -> Bool in
                guard state.holdsSaves else { return true }
                state.heldSaves.append(continuation)
                return false
            }
            if proceeds { continuation.resume() }
        }
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
