import JSON

/// One kind of layer (`linear`, `relu`, `sequential`, …): how its spec decodes, which tensors
/// it owns, how shapes flow through it, how it runs forward and backward in each mode, how it
/// prints, and how it exports. The model, its listings, storage, state dicts, initialization
/// rules, optimizers, ONNX export and the service work from this protocol alone.
///
/// Adding a kind is one file plus its tests:
/// 1. A struct conforming to `Layer`. Decode the spec members with the names and defaults of
///    PyTorch's constructor, check every size before anything is allocated (errors name the
///    member: `spec.layers[2].num_features`), and take tensor ids from the decoder in PyTorch's
///    registration order (`decoder.newTensorID()`, parameters then buffers). Leaves without
///    tensors need `forward`, `backward`, `inferShape`, `describe` and `exportONNX` only;
///    `FlattenLayer` is the smallest example, `LinearLayer` one with parameters and a deferred
///    width, `BatchNormLayer` one with buffers and train/eval behaviour, `SequentialLayer` and
///    `ResidualLayer` containers (their children are the node's, run through the contexts).
///    Buffers are listed in `buffers` and read and updated through `ForwardContext`, whose
///    `mode` tells train from eval.
/// 2. Its type in `LayerKinds.all`, which maps spec `type` names to kinds.
///
/// Tensor ids are fixed at decoding; a position placed again by `ref` shares the layer (one
/// index into `Model.layers`), so tying needs nothing from the kind.
protocol Layer: Sendable {
    /// The spec `type` names this kind decodes (`["linear", "dense"]`).
    static var typeNames: [String] { get }
    /// Decodes a spec object whose `type` is one of `typeNames`.
    static func decode(_ spec: LayerSpec, decoder: inout SpecDecoder) throws -> Self

    /// The type shown in listings and summaries (`linear`, `batch_norm1d`).
    var typeName: String { get }
    /// PyTorch's class name (`Linear`, `BatchNorm1d`), for the Keras-style summary.
    var className: String { get }
    /// What the parameter-limit message calls this layer (`linear 4→8`).
    var sizeLabel: String { get }
    /// The spec members that re-create this layer, `type` included; `name`, `id` and `ref`
    /// are the caller's. Containers encode their children with `model.encode(_:)`.
    func encode(_ node: ModuleNode, in model: Model) -> [String: JSONValue]

    /// Trainable tensors in registration order (named `weight` or `bias`); a shape is nil
    /// while the layer waits for its input width.
    var parameters: [LayerTensor] { get }
    /// Saved, untrained tensors in registration order, with the values they start from.
    var buffers: [LayerTensor] { get }
    /// True when the layer knows its shapes but `store` has no values for some of its tensors
    /// yet. Every forward pass asks, so a layer may answer without building `parameters`.
    func hasPendingValues(in store: ParameterStore) -> Bool
    /// The initializer `framework`'s default means for the parameter `tensor` (PyTorch's
    /// `reset_parameters`, Keras's and Gluon's defaults).
    func defaultInitializer(_ framework: Initializer.Framework, for tensor: LayerTensor) -> Initializer
    /// Adjusts a parameter just filled at creation (an embedding zeroes its padding row).
    func finishCreation(_ value: inout Tensor, of tensor: LayerTensor)
    /// Learns a deferred width from the shape of a stored tensor at `path` when restoring;
    /// throws `shapeMismatch` when the shape cannot belong to this layer.
    mutating func adoptStoredShape(_ shape: [Int], of tensor: LayerTensor, path: String, limits: ModelLimits) throws

    /// True while `inferShape` may change this layer (a deferred width to learn); a layer
    /// that answers false is inferred on a copy and never written back.
    var learnsWidth: Bool { get }
    /// The per-sample output shape for a per-sample input, checked (errors through
    /// `context`); a deferred layer learns its input width here.
    mutating func inferShape(_ input: FeatureShape, node: ModuleNode, context: inout ShapeContext) throws -> FeatureShape
    /// What this layer, reached first by the input, demands of it; nil when it passes the
    /// question on (activations) or has no demand.
    func inputDemand(_ node: ModuleNode, in layers: [any Layer]) -> InputDemand?

    /// Runs the layer on `x` (batch first). Records what `backward` needs with
    /// `context.save(_:)` when `context.isRecording`.
    func forward(_ x: consuming Tensor, node: ModuleNode, context: inout ForwardContext) throws -> Tensor
    /// Pops what `forward` saved, adds the parameters' gradients, returns dLoss/dx (an empty
    /// tensor when `context.needsInputGradient` is false after the pop).
    func backward(_ dy: Tensor, node: ModuleNode, context: inout BackwardContext) -> Tensor

    /// The module as PyTorch's `print(module)` shows it.
    func describe(_ node: ModuleNode, in model: Model) -> String
    /// Appends the ONNX nodes computing this layer in eval mode; returns their output.
    /// Throws `incompatibleInput` naming the layer when ONNX has no form for it.
    func exportONNX(_ input: ONNXGraph.Value, node: ModuleNode, path: String, graph: inout ONNXGraph) throws -> ONNXGraph.Value
}

extension Layer {
    var className: String { typeName.prefix(1).uppercased() + typeName.dropFirst() }
    var sizeLabel: String { typeName }
    func encode(_ node: ModuleNode, in model: Model) -> [String: JSONValue] { ["type": .string(typeName)] }
    var parameters: [LayerTensor] { [] }
    var buffers: [LayerTensor] { [] }
    var learnsWidth: Bool { false }
    func hasPendingValues(in store: ParameterStore) -> Bool {
        let parameters = self.parameters
        return !parameters.contains { $0.shape == nil }
            && (parameters.contains { store.values[$0.id] == nil } || buffers.contains { store.buffers[$0.id] == nil })
    }
    func defaultInitializer(_ framework: Initializer.Framework, for tensor: LayerTensor) -> Initializer { .zeros }
    func finishCreation(_ value: inout Tensor, of tensor: LayerTensor) {}
    mutating func adoptStoredShape(_ shape: [Int], of tensor: LayerTensor, path: String, limits: ModelLimits) throws {
        throw NeuralNetError.shapeMismatch(path: path, expected: tensor.shape ?? [], got: shape)
    }
    func inputDemand(_ node: ModuleNode, in layers: [any Layer]) -> InputDemand? { nil }
}

/// A tensor a layer owns: its name in the state dict (`weight`, `running_mean`), its id, and
/// its shape once known.
struct LayerTensor: Sendable {
    let name: String
    let id: ParameterID
    /// Nil while the layer waits for its input width.
    let shape: [Int]?
    /// The buffer's element type as PyTorch keeps it (parameters are float32).
    var dtype: TensorDType = .float32
    /// Every element's starting value (buffers only; parameters are initialized).
    var initialValue: Float = 0

    /// The parameter role of a parameter tensor (`weight` or `bias`).
    var role: ParameterRole { ParameterRole(rawValue: name) ?? .weight }
}

/// The element type a tensor is served and exported as. Values are held as Float32; an
/// int64 buffer (a step counter) is exact up to 2^24.
public enum TensorDType: String, Sendable, Equatable {
    case float32
    case int64
}

/// What the first layer to look at the input demands of it.
public struct InputDemand: Sendable, Equatable {
    /// The per-sample shape it needs, `-1` for a size it leaves open; nil when it takes any
    /// shape (a flatten) or waits to learn its width.
    public let sample: [Int]?
    /// Whether it reads integer indices (an embedding) rather than features.
    public let integers: Bool

    public init(sample: [Int]?, integers: Bool = false) {
        self.sample = sample
        self.integers = integers
    }
}

/// One spec object being decoded: its members and JSON location.
struct LayerSpec {
    let type: String
    let members: [String: JSONValue]
    /// `spec.layers[2]`.
    let location: String
    let depth: Int

    /// Refuses members other than `type`, `name`, `id` and `allowed`.
    func allow(_ allowed: [String]) throws {
        try rejectUnknownKeys(members, allowed: Set(["type", "name", "id"] + allowed), at: location)
    }

    /// A positive integer member, or `defaultValue` when absent.
    func positiveInteger(_ key: String, limit: Int, limitName: String = "width", default defaultValue: Int? = nil) throws -> Int {
        guard let value = members[key] else {
            if let defaultValue { return defaultValue }
            throw NeuralNetError.invalidSpec(location: location, reason: "is a \(type) layer and needs \"\(key)\"")
        }
        return try readPositiveInteger(value, at: "\(location).\(key)", limit: limit, limitName: limitName)
    }

    /// A number member within `range`, or `defaultValue` when absent.
    func number(_ key: String, default defaultValue: Double, in range: ClosedRange<Double>? = nil) throws -> Double {
        guard let value = members[key] else { return defaultValue }
        let d = try readNumber(value, at: "\(location).\(key)")
        if let range, !range.contains(d) {
            throw NeuralNetError.invalidSpec(
                location: "\(location).\(key)",
                reason: "must be between \(range.lowerBound) and \(range.upperBound), got \(value.shortDescription)")
        }
        return d
    }

    /// A boolean member, or `defaultValue` when absent.
    func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        try members[key].map { try readBool($0, at: "\(location).\(key)") } ?? defaultValue
    }
}
