import HTTP
import NeuralNet

/// Catching up with what other replicas committed to a shared store (``ReplicatedStore``).
extension ModelOwner {
    /// Brings the snapshot to the store's version, in the write line (after the writes queued
    /// before it), fetching only the tensors written since this replica's version.
    /// - Returns: false when the model is no longer stored (the snapshot is then gone: `ModelError.unknown`).
    /// - Throws: when the store could not be read; the snapshot is kept (stale reads beat none).
    func catchUp() async throws(ModelStoreError) -> Bool {
        let outcome = await withCheckedContinuation { continuation in
            enqueue(.catchUp { continuation.resume(returning: $0) })
        }
        return try outcome.get()
    }

    /// ``catchUp()``'s work, run by the line.
    func catchUpInLine() async -> Result<Bool, ModelStoreError> {
        guard let source = store as? any ReplicatedStore else { return .success(true) }
        do throws(ModelStoreError) {
            return .success(try await refresh(from: source) != nil)
        } catch {
            return .failure(error)
        }
    }

    /// Whether a failed commit should be tried again: a version conflict on a shared store
    /// (another replica wrote first) after this replica caught up. Each conflict means another
    /// writer made progress, so this ends; the bound only stops a pathological storm.
    func rebase(after error: any Error, attempt: Int) async -> Bool {
        guard attempt <= 32, case .versionConflict? = error as? ModelStoreError, let source = store as? any ReplicatedStore else {
            return false
        }
        return (try? await refresh(from: source)) != nil
    }

    /// Publishes the store's version of the model, or removes the snapshot when it is gone.
    /// - Returns: the new snapshot; nil when the model is no longer stored.
    private func refresh(from source: any ReplicatedStore) async throws(ModelStoreError) -> ModelState? {
        guard let current = stateIfPresent else { return nil }
        let stored: StoredModel
        switch try await source.changes(of: name, after: current.version) {
        case .gone:
            snapshot.withLock { $0 = nil }
            return nil
        case .upToDate:
            return current
        case .whole(let model):
            stored = model
        case .changed(let changes):
            stored = try Self.merging(changes, into: current)
        }
        let next: ModelState
        do {
            next = try ModelState(stored: stored, limits: current.model.limits)
        } catch {
            throw .damaged(model: name, reason: "version \(stored.version) cannot be rebuilt: \(error)")
        }
        snapshot.withLock { $0 = next }
        announce(versionEvents(after: current, [next], pending: nil))
        return next
    }

    /// The current snapshot's tensors with the changed ones replaced (the rest shared, not copied).
    private static func merging(_ changes: StoredModel, into current: ModelState) throws(ModelStoreError) -> StoredModel {
        var model: StoredModel
        do {
            model = try current.stored
        } catch {
            throw .damaged(model: current.name, reason: "its parameters cannot be listed: \(error)")
        }
        var index = Dictionary(model.tensors.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { first, _ in first })
        for tensor in changes.tensors {
            if let position = index[tensor.path] {
                model.tensors[position] = tensor
            } else {
                index[tensor.path] = model.tensors.count
                model.tensors.append(tensor)
            }
        }
        model.version = changes.version
        model.document = changes.document
        return model
    }
}
