import HTTP
import NeuralNet

/// Writing a durable edit of a few elements into the model in place.
///
/// A copy-on-write edit keeps three versions of a tensor alive while a slow reader streams it:
/// the reader's, the published one, and the edit's copy (192 MB for a 64 MB weight). Written in
/// place once its log record is durable, a one-element PATCH copies nothing when no reader holds
/// the tensor, and at most one copy when one does.
///
/// Why it is safe:
/// - **What a reader sees.** Readers take the published snapshot under `snapshot`'s lock and
///   keep it as long as they like; a snapshot shares each tensor's storage, so it counts as a
///   reference to it. The edit runs under that same lock, after taking the published snapshot
///   out of it: if the tensor's storage then has a single reference (the model being edited),
///   no reader holds it and none can take it before the lock is released, with the new version
///   published. Otherwise the old snapshot is put back as it was and the edit goes into a copy,
///   outside the lock, as before. No reader ever sees a tensor change under it.
/// - **What a crash leaves.** The edit is written into memory only after the commit's record
///   is durable in the log, which holds the run's values: a crash before, during or after the
///   write in memory replays the record onto the checkpoint on start. The store keeps no
///   tensors of its own once the owner lends its state (``ModelStore/lend(_:latest:)``), and a
///   checkpoint being written holds its snapshot as any reader does, so it never sees the edit
///   half made either.
/// - **Who else could hold the model.** Only the commit in progress (the line runs one at a
///   time), which drops its own references first (``commit(_:attempt:)``); a store that keeps
///   the tensors (one that does not take a lent state) counts as a reader: the edit then copies.
extension ModelOwner {
    /// Publishes `state` (the version after the commit, its model still without `pending`) with
    /// `pending` written into it: in place when nothing else holds the tensor's storage, else
    /// into a copy. `committedVersion` is the version published before the commit, whose model
    /// is `state`'s (the run is the commit's only change).
    /// - Returns: the published state.
    func publish(_ state: consuming ModelState, writing pending: PendingRun, over committedVersion: Int) -> ModelState {
        let (name, version, document) = (state.name, state.version, state.document)
        var model = state.model
        _ = consume state
        let wroteInPlace = snapshot.withLock { published -> Bool in
            guard let previous = published, previous.version == committedVersion else { return false }
            let previousDocument = previous.document
            _ = consume previous
            published = nil  // its model is `model`: a reference that is not a reader's
            guard model.holdsOnlyReference(to: pending.path) else {
                published = ModelState(name: name, version: committedVersion, model: model, document: previousDocument)
                return false
            }
            Self.write(pending, into: &model)
            published = ModelState(name: name, version: version, model: model, document: document)
            return true
        }
        if !wroteInPlace {
            Self.write(pending, into: &model)  // copies the tensor: a reader holds it
            snapshot.withLock { $0 = ModelState(name: name, version: version, model: model, document: document) }
        }
        return ModelState(name: name, version: version, model: model, document: document)
    }

    /// Writes a run the commit stored; it fits (it was computed on this very tensor).
    static func write(_ pending: PendingRun, into model: inout Model) {
        do {
            try model.write(pending.run, at: pending.path)
        } catch {
            preconditionFailure("a stored run no longer fits its tensor: \(error)")
        }
    }
}

extension ModelState {
    /// This state with `pending` written into its model (into a copy of the tensor when shared).
    func writing(_ pending: PendingRun) -> ModelState {
        var model = model
        ModelOwner.write(pending, into: &model)
        return ModelState(name: name, version: version, model: model, document: document)
    }
}
