import HTTP
import NeuralNet

/// The path under which storage keeps each of a model's tensors (every parameter and buffer
/// once, under its first path: ``ModelState/storedTensors(of:)``), by id and in that order.
///
/// Listing a model's named parameters sorts them by module with string work per comparison:
/// for a 32-tensor model that was a quarter of a one-element PATCH's CPU when every commit did
/// it twice. A model's paths change only when its structure does (a deferred layer
/// materializes), so its owner keeps them (``Cache``) and a commit finds what changed by
/// comparing tensor storage, id by id.
struct StoredTensorPaths: Sendable {
    struct Entry: Sendable {
        let id: ParameterID
        let path: String
        let isBuffer: Bool
    }

    /// Parameters in declaration order, then buffers.
    let entries: [Entry]

    init(of model: Model) throws {
        entries = try ModelState.storedTensors(of: model).map { Entry(id: $0.id, path: $0.path, isBuffer: $0.isBuffer) }
    }

    /// Whether these are `model`'s tensors: the same ids, each materialized (O(tensors), no strings).
    func fit(_ model: Model) -> Bool {
        guard entries.count == model.store.values.count + model.store.buffers.count else { return false }
        return entries.allSatisfy { ($0.isBuffer ? model.store.buffers[$0.id] : model.store.values[$0.id]) != nil }
    }

    /// The tensor of `entry` in `model`.
    static func tensor(_ entry: Entry, in model: Model) -> Tensor? {
        entry.isBuffer ? model.store.buffers[entry.id] : model.store.values[entry.id]
    }

    /// The paths of the last model seen, computed again when a model does not fit them.
    final class Cache: Sendable {
        private let last = Locked<StoredTensorPaths?>(nil)

        func paths(of model: Model) throws -> StoredTensorPaths {
            if let paths = last.withLock({ $0 }), paths.fit(model) { return paths }
            let paths = try StoredTensorPaths(of: model)
            last.withLock { $0 = paths }
            return paths
        }
    }
}
