import HTTP
import NeuralNet

/// How big each model was when last seen, for the router's placement estimates
/// (``Placement``): they run on the event loop before the handler, so they cannot wait for the
/// registry. Handlers record a model when they read its state; a model not seen yet (or gone)
/// has no size, and its requests go to the pool, which is always safe. Approximate by design:
/// a size one write old moves at most one request to the other side of the budget.
final class ModelSizeHints: Sendable {
    struct Size: Sendable, Equatable {
        let parameters: Int
        /// The width of one input row, when the model knows it.
        let inputWidth: Int?
    }

    /// A size and the snapshot it was computed from (its owner object and version): a forward
    /// records its model on every request, and computing the size walks the model's layers.
    private struct Entry {
        let owner: ObjectIdentifier
        let version: Int
        let size: Size
    }

    private let sizes = Locked<[String: Entry]>([:])
    /// Beyond this many names (models deleted while a read was in flight leave theirs behind),
    /// the table starts over.
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Records the size of `state`, the snapshot `owner` published (nothing to compute when the
    /// same owner's same version was recorded last).
    func record(_ state: ModelState, of owner: ModelOwner) {
        let id = ObjectIdentifier(owner)
        let known = sizes.withLock { sizes in
            sizes[state.name].map { $0.owner == id && $0.version == state.version } ?? false
        }
        if known { return }
        let size = Size(parameters: state.model.parameterCount, inputWidth: ForwardRequest.inputWidth(state.model))
        sizes.withLock { sizes in
            if sizes.count >= limit && sizes[state.name] == nil { sizes.removeAll() }
            sizes[state.name] = Entry(owner: id, version: state.version, size: size)
        }
    }

    func forget(_ name: String) {
        _ = sizes.withLock { $0.removeValue(forKey: name) }
    }

    subscript(name: String) -> Size? {
        sizes.withLock { $0[name]?.size }
    }
}
