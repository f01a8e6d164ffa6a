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

    private let sizes = Locked<[String: Size]>([:])
    /// Beyond this many names (models deleted while a read was in flight leave theirs behind),
    /// the table starts over.
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func record(_ state: ModelState) {
        let size = Size(parameters: state.model.parameterCount, inputWidth: ForwardRequest.inputWidth(state.model))
        sizes.withLock { sizes in
            if sizes[state.name] == size { return }
            if sizes.count >= limit { sizes.removeAll() }
            sizes[state.name] = size
        }
    }

    func forget(_ name: String) {
        _ = sizes.withLock { $0.removeValue(forKey: name) }
    }

    subscript(name: String) -> Size? {
        sizes.withLock { $0[name] }
    }
}
