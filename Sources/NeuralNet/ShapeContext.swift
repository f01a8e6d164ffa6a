/// What static shape propagation knows about the features reaching a module.
public enum FeatureShape: Sendable, Equatable {
    /// Nothing: the input shape is not known yet.
    case unknown
    /// The whole per-sample shape.
    case sample([Int])
    /// Only the last dimension (after a linear layer when the input shape is unknown).
    case lastDimension(Int)

    /// The last dimension, when known.
    public var width: Int? {
        switch self {
        case .unknown: nil
        case .sample(let s): s.last
        case .lastDimension(let w): w
        }
    }

    /// The whole per-sample shape, when known.
    public var sample: [Int]? {
        if case .sample(let s) = self { return s }
        return nil
    }

    /// The same shape with the last dimension replaced by `width`.
    func replacingLastDimension(with width: Int) -> FeatureShape {
        if case .sample(var s) = self, !s.isEmpty {
            s[s.count - 1] = width  // one copy; `dropLast() + [width]` made two arrays a layer a pass
            return .sample(s)
        }
        return .lastDimension(width)
    }
}

/// Where a width mismatch was found, which decides the error's kind and wording.
enum WidthContext {
    /// While creating from a spec: the spec contradicts itself (bad request).
    case spec
    /// While running an input of this full shape (cannot apply).
    case input([Int])
}

/// The state of one shape propagation through the module tree: the layers (a deferred one
/// learns its width), where it is, and the largest per-sample activation seen.
struct ShapeContext {
    var layers: [any Layer]
    let limits: ModelLimits
    let widthContext: WidthContext
    /// The module path being inferred.
    private(set) var path = ""
    /// Whether a layer with a fixed input width was passed (decides an error's wording).
    var sawWidthLayer = false
    /// The element count of the largest per-sample shape seen, the input included.
    private(set) var largestSample = 0

    init(layers: [any Layer], limits: ModelLimits, widthContext: WidthContext) {
        self.layers = layers
        self.limits = limits
        self.widthContext = widthContext
    }

    /// Infers `node`'s output for `shape` (a container calls this for each child).
    mutating func infer(_ node: ModuleNode, _ shape: FeatureShape) throws -> FeatureShape {
        let parent = path
        path = ModelIndex.join(parent, node.name)
        defer { path = parent }
        let layer = layers[node.layer]
        let out: FeatureShape
        if layer.learnsWidth {
            var learning = layer
            out = try learning.inferShape(shape, node: node, context: &self)
            layers[node.layer] = learning
        } else {
            // Every forward pass infers every layer: mutating the stored existential would copy
            // its box and the layer array each time, for a layer that learns nothing.
            out = try Self.inferShape(of: layer, shape, node: node, context: &self)
        }
        note(out)
        return out
    }

    /// `layer.inferShape` on a local copy of the opened layer, which is dropped afterwards.
    private static func inferShape<L: Layer>(
        of layer: L, _ shape: FeatureShape, node: ModuleNode, context: inout ShapeContext
    ) throws -> FeatureShape {
        var copy = layer
        return try copy.inferShape(shape, node: node, context: &context)
    }

    /// What the first of `nodes` with a demand asks of its input (see `Layer.inputDemand`).
    func layersDemand(of nodes: [ModuleNode]) -> InputDemand? { Model.inputDemand(of: nodes, in: layers) }

    /// Records a per-sample shape for the activation bound.
    mutating func note(_ shape: FeatureShape) {
        if case .sample(let s) = shape, let n = Tensor.elementCount(s) { largestSample = max(largestSample, n) }
    }

    /// A size error: `limitExceeded` at `spec:` or `input:`.
    func limitError(_ sentence: String) -> NeuralNetError {
        switch widthContext {
        case .spec: .limitExceeded(location: "spec:", reason: sentence)
        case .input: .limitExceeded(location: "input:", reason: sentence)
        }
    }

    /// A shape that does not fit: a contradictory spec (bad request) or an input that does not
    /// fit (cannot apply), naming the layer.
    func mismatch(_ sentence: String) -> NeuralNetError {
        switch widthContext {
        case .spec: .invalidSpec(location: "spec:", reason: sentence)
        case .input(let shape): .incompatibleInput("\(sentence) (input shape \(formatShape(shape)))")
        }
    }

    /// `layer '0' (batch_norm1d)`, or `layer (the root) (…)`.
    func layerName(_ type: String) -> String { "layer \(path.isEmpty ? "(the root)" : path) (\(type))" }

    /// Checks that a per-sample shape stays within the width limit.
    func checkSize(_ shape: [Int], what: String) throws {
        guard let n = Tensor.elementCount(shape), n <= limits.maxActivationElements else {
            throw limitError(
                "\(layerName(what)) would give a sample of shape \(formatShape(shape)), over the activation limit \(limits.maxActivationElements)"
            )
        }
    }
}
