import Kernels

/// PyTorch's `net.train()` / `net.eval()`: dropout and batch norm behave differently in each.
public enum RunMode: String, Sendable, Equatable {
    /// Dropout drops, batch norm normalizes by the batch's statistics and updates its running ones.
    case train
    /// Dropout is the identity, batch norm normalizes by its running statistics.
    case eval
}

/// The state of one forward pass: the model read, the mode, the tape for backward, the
/// requested captures, and the buffer values the pass updates (batch norm's running
/// statistics in train mode), which only the caller decides to keep.
struct ForwardContext {
    let model: Model
    let mode: RunMode
    /// Non-nil when recording for backward.
    private(set) var tape: [Any]?
    let capture: Set<String>
    private(set) var activations: [String: Tensor] = [:]
    /// Buffers written by this pass, by id; a later use of the same buffer reads them.
    private(set) var bufferUpdates: [ParameterID: Tensor] = [:]
    /// The stream dropout draws its masks from.
    var generator: PyTorchGenerator
    /// The module path being run.
    private(set) var path = ""

    init(model: Model, mode: RunMode, recording: Bool, capture: Set<String>) {
        self.model = model
        self.mode = mode
        tape = recording ? [] : nil
        self.capture = capture
        generator = model.generator
    }

    var isRecording: Bool { tape != nil }
    var training: Bool { mode == .train }

    /// Runs `node` on `x` (a container calls this for each child), capturing its output if asked.
    mutating func run(_ node: ModuleNode, _ x: consuming Tensor) throws -> Tensor {
        let parent = path
        path = ModelIndex.join(parent, node.name)
        defer { path = parent }
        let y = try model.layers[node.layer].forward(x, node: node, context: &self)
        if capture.contains(path) { activations[path] = y }
        return y
    }

    /// Keeps what a layer's backward will need; backward pops in reverse order.
    mutating func save(_ record: Any) { tape?.append(record) }

    /// A parameter's value (materialized before any pass runs).
    func value(_ id: ParameterID) -> Tensor { model.store.values[id]! }

    /// A buffer's current value: this pass's update if there is one.
    func buffer(_ id: ParameterID) -> Tensor { bufferUpdates[id] ?? model.store.buffers[id]! }

    /// Sets a buffer's value for the rest of this pass and for the caller to keep.
    mutating func updateBuffer(_ id: ParameterID, _ value: Tensor) { bufferUpdates[id] = value }
}

/// The state of one backward pass: the tape, popped in reverse, and the gradients.
struct BackwardContext {
    let layers: [any Layer]
    private var tape: [Any]
    var store: ParameterStore

    init(layers: [any Layer], tape: [Any], store: ParameterStore) {
        self.layers = layers
        self.tape = tape
        self.store = store
    }

    /// Runs `node`'s backward (a container calls this for each child, last first).
    mutating func run(_ node: ModuleNode, _ dy: Tensor) -> Tensor {
        layers[node.layer].backward(dy, node: node, context: &self)
    }

    /// The last record saved, which must be of type `T`.
    mutating func pop<T>(_: T.Type) -> T { tape.removeLast() as! T }

    /// False once the first operation of the pass is reached: the gradient of the model's
    /// input is never needed.
    var needsInputGradient: Bool { !tape.isEmpty }

    /// The gradient of `id` to add into (zeros of `shape` when it has none yet).
    mutating func takeGradient(_ id: ParameterID, shape: [Int]) -> Tensor {
        store.gradients.removeValue(forKey: id) ?? Tensor(zeros: shape)
    }

    mutating func putGradient(_ id: ParameterID, _ gradient: Tensor) { store.gradients[id] = gradient }
}
