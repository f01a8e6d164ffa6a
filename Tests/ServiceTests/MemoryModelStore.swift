import HTTP
@testable import Service

/// A ``ModelStore`` in memory, for in-process tests: it can be told to fail the next writes,
/// to show that a failed write changes nothing and answers 507.
final class MemoryModelStore: ModelStore {
    private struct State {
        var models: [String: StoredModel] = [:]
        var failingWrites = 0
        var saves = 0
        var saveDelay = Duration.zero
        /// While true, creates and commits wait in `heldSaves` until ``releaseSaves()``.
        var holdsSaves = false
        var heldSaves: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Locked(State())

    init(models: [StoredModel] = []) {
        state.withLock { state in
            for model in models { state.models[model.name] = model }
        }
    }

    /// Makes the next `count` writes (creates, commits or deletes) throw `.full`.
    func failNextWrites(_ count: Int) {
        state.withLock { $0.failingWrites = count }
    }

    /// Makes every later create and commit take `delay`, as a disk's fsync does.
    func delaySaves(by delay: Duration) {
        state.withLock { $0.saveDelay = delay }
    }

    /// Makes later creates and commits wait, as a stalled disk does, until ``releaseSaves()``:
    /// tests then know a save is in progress (``heldSaveCount``) instead of guessing with a sleep.
    func holdSaves() {
        state.withLock { $0.holdsSaves = true }
    }

    /// Lets every held save, and every later one, go on.
    func releaseSaves() {
        let held = state.withLock { state in
            state.holdsSaves = false
            defer { state.heldSaves.removeAll() }
            return state.heldSaves
        }
        for save in held { save.resume() }
    }

    /// Saves waiting on ``holdSaves()`` now.
    var heldSaveCount: Int { state.withLock { $0.heldSaves.count } }

    /// What is stored under `name`.
    func stored(_ name: String) -> StoredModel? {
        state.withLock { $0.models[name] }
    }

    /// Successful creates and commits so far.
    var saveCount: Int { state.withLock { $0.saves } }

    func list() async throws(ModelStoreError) -> StoreListing {
        let models = state.withLock { $0.models.values.map { StoredModelSummary(name: $0.name, version: $0.version) } }
        return StoreListing(models: models.sorted { $0.name < $1.name }, damaged: [])
    }

    func load(_ name: String, tensors paths: Set<String>?) async throws(ModelStoreError) -> StoredModel {
        guard var model = stored(name) else { throw .notFound(model: name) }
        if let paths { model.tensors.removeAll { !paths.contains($0.path) } }
        return model
    }

    func apply(_ change: ModelChange) async throws(ModelStoreError) {
        if case .delete = change {
        } else {
            let delay = state.withLock { $0.saveDelay }
            if delay > .zero { try? await Task.sleep(for: delay) }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let proceeds = state.withLock { state -> Bool in
                    guard state.holdsSaves else { return true }
                    state.heldSaves.append(continuation)
                    return false
                }
                if proceeds { continuation.resume() }
            }
        }
        try state.withLock { (state) throws(ModelStoreError) in
            if state.failingWrites > 0 {
                state.failingWrites -= 1
                throw .full("simulated: no space left on device")
            }
            switch change {
            case .create(let model):
                guard state.models[model.name] == nil else { throw .alreadyExists(model: model.name) }
                state.models[model.name] = model
            case .commit(let commit):
                guard var model = state.models[commit.name] else { throw .notFound(model: commit.name) }
                guard model.version == commit.expectedVersion else {
                    throw .versionConflict(model: commit.name, expected: commit.expectedVersion, found: model.version)
                }
                model.apply(commit)
                state.models[commit.name] = model
            case .delete(let name, let expectedVersion):
                guard let model = state.models[name] else { throw .notFound(model: name) }
                if let expectedVersion, model.version != expectedVersion {
                    throw .versionConflict(model: name, expected: expectedVersion, found: model.version)
                }
                state.models[name] = nil
                return
            }
            state.saves += 1
        }
    }
}
