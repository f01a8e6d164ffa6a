public import JSON
import Kernels

/// A network and its parameters as one immutable-by-default value: the module tree, its
/// layers, and a store of copy-on-write tensors keyed by `ParameterID`.
///
/// `Model` is `Sendable` and cheap to copy. A mutating call changes only this copy and copies
/// only the tensors it writes, so a reader holding an older copy keeps a consistent snapshot.
///
/// ```swift
/// var net = try Model(spec: spec, seed: 0)            // torch.manual_seed(0); nn.Sequential(…)
/// let y = try net.forward(x).output
/// try net.edit("0.weight", [.setElement(index: [0, 0], value: 42)])
/// ```
public struct Model: Sendable {
    /// What never changes after creation, behind one reference (``ModelStructure``).
    private let structure: ModelStructure
    /// The module tree; it never changes after creation.
    public var root: ModuleNode { structure.root }
    /// Layers in construction order; `ModuleNode.layer` indexes this.
    var layers: [any Layer] {
        didSet { widthCheck = WidthCheck() }
    }
    /// Parameter values and gradients, buffer values.
    public internal(set) var store: ParameterStore {
        didSet { widthCheck = WidthCheck() }
    }
    /// The sample shape forward passes on this value were checked against (``prepared(for:capture:)``),
    /// new whenever the layers or the store change, so it only ever vouches for what it saw.
    var widthCheck = WidthCheck()
    public let limits: ModelLimits
    /// The seed given at creation.
    public let seed: UInt64
    /// The initializer for layers materialized later (deferred ones) and the creation default.
    public var initializer: Initializer { structure.initializer }
    /// The per-sample input shape (without batch), once given or learned from a forward pass.
    public internal(set) var inputShape: [Int]?
    /// The stream deferred layers draw from when they materialize: it continues where
    /// creation stopped, so materializing later gives the same bits as knowing `in` up front.
    var generator: PyTorchGenerator
    var index: ModelIndex {
        _read { yield structure.index }
    }
    var layerLocations: [String] { structure.layerLocations }

    /// Creates a model from a spec (`{"type": "sequential", "layers": […]}`).
    ///
    /// Construction follows PyTorch: the generator is seeded like `torch.manual_seed(seed)`,
    /// then each layer whose input width is known (given as `in`, inferred from the layers
    /// before it, or from `inputShape`) draws its parameters (weight, then bias) in spec order.
    /// - Parameters:
    ///   - inputShape: the shape of one sample, without the batch dimension (`[4]`, `[1, 28, 28]`).
    ///   - location: the JSON location of `spec` used in error messages.
    /// - Throws: `NeuralNetError.invalidSpec` / `.limitExceeded` (bad request) before allocating
    ///   anything; `.initializerNotApplicable` when `initializer` cannot fill a weight.
    public init(
        spec: JSONValue, seed: UInt64 = 0, initializer: Initializer = .framework(.pytorch),
        inputShape: [Int]? = nil, limits: ModelLimits = .standard, location: String = "spec"
    ) throws {
        let decoded = try SpecDecoder.decode(spec, limits: limits, location: location)
        try self.init(decoded: decoded, seed: seed, initializer: initializer, limits: limits)
        if let inputShape { try validateInputShape(inputShape, location: "input_shape") }
        inputShape.map { self.inputShape = $0 }
        try resolveWidths(sampleShape: inputShape, context: .spec)
        try materializeKnownLayers()
    }

    init(decoded: DecodedSpec, seed: UInt64, initializer: Initializer, limits: ModelLimits) throws {
        structure = ModelStructure(
            root: decoded.root, index: ModelIndex(root: decoded.root, layers: decoded.layers),
            layerLocations: decoded.layerLocations, initializer: initializer)
        layers = decoded.layers
        store = ParameterStore()
        self.limits = limits
        self.seed = seed
        generator = PyTorchGenerator(seed: seed)
    }

    /// True when some layer still waits for its input width.
    public var hasDeferredLayers: Bool { layers.contains { $0.parameters.contains { $0.shape == nil } } }

    /// Checks a per-sample shape given by a caller: at least one dimension, each positive and
    /// within the width limit.
    func validateInputShape(_ shape: [Int], location: String) throws {
        guard !shape.isEmpty, shape.count <= 8 else {
            throw NeuralNetError.invalidArgument(
                location: location, reason: "must list 1 to 8 dimensions of one sample (without the batch), got \(formatShape(shape))")
        }
        for d in shape where d < 1 || d > limits.maxWidth {
            throw NeuralNetError.limitExceeded(
                location: location, reason: "dimension \(d) must be between 1 and the width limit \(limits.maxWidth)")
        }
        guard let n = Tensor.elementCount(shape), n <= limits.maxWidth else {
            throw NeuralNetError.limitExceeded(
                location: location, reason: "\(formatShape(shape)) has more features than the width limit \(limits.maxWidth)")
        }
    }

    /// The initializer a layer created with `initializer` gets for `tensor`: framework defaults
    /// decide per layer and tensor; fan-based and matrix initializers fill weights and leave
    /// biases at zero (as Keras and Gluon do) and other 1-D weights (a norm's) at their
    /// PyTorch default; elementwise ones fill everything.
    func creationInitializer(for tensor: LayerTensor, of layer: any Layer) -> Initializer {
        guard initializer.needsMatrix, let shape = tensor.shape, shape.count < 2 else { return initializer }
        return tensor.role == .bias ? .zeros : layer.defaultInitializer(.pytorch, for: tensor)
    }

    /// Fills `tensor` of `layer` with `initializer`, its framework default being the layer's.
    static func fill(
        _ value: inout Tensor, _ tensor: LayerTensor, of layer: any Layer, with initializer: Initializer, path: String,
        generator: inout PyTorchGenerator
    ) throws {
        try initializer.fill(&value, path: path, generator: &generator) { layer.defaultInitializer($0, for: tensor) }
    }

    /// Allocates and initializes, in construction order, the layers without values up to the
    /// first whose input width is still unknown; refuses first if that would pass the
    /// parameter limit. Stopping at the first unknown keeps the draw order of eager
    /// construction, so a deferred model gets the very bits an eager one gets. Buffers start
    /// at their layer's values (running variance ones, the rest zeros).
    mutating func materializeKnownLayers() throws {
        var pending: [Int] = []
        for l in layers.indices {
            let layer = layers[l]
            if (layer.parameters + layer.buffers).contains(where: { $0.shape == nil }) { break }
            if layer.parameters.contains(where: { store.values[$0.id] == nil })
                || layer.buffers.contains(where: { store.buffers[$0.id] == nil })
            {
                pending.append(l)
            }
        }
        var total = parameterCount
        for l in pending {
            total = try SpecDecoder.checkedParameterTotal(adding: layers[l], to: total, limits: limits, location: layerLocations[l])
        }
        for l in pending {
            let layer = layers[l]
            for tensor in layer.parameters where store.values[tensor.id] == nil {
                var value = Tensor(zeros: tensor.shape!)
                try Self.fill(
                    &value, tensor, of: layer, with: creationInitializer(for: tensor, of: layer), path: index.path(of: tensor.id),
                    generator: &generator)
                layer.finishCreation(&value, of: tensor)
                store.values[tensor.id] = value
            }
            for tensor in layer.buffers where store.buffers[tensor.id] == nil {
                store.buffers[tensor.id] = Tensor(shape: tensor.shape!, repeating: tensor.initialValue)
            }
        }
    }

    /// Materialized parameters, tied ones counted once.
    public var parameterCount: Int { store.values.values.reduce(0) { $0 + $1.count } }
}
