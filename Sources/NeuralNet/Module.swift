import Kernels

/// An elementwise (or, for softmax, row-wise) nonlinearity that can stand alone or be fused
/// into a linear layer.
public enum ActivationFunction: Sendable, Equatable {
    case relu
    case sigmoid
    case tanh
    /// Exact erf form, PyTorch's default `approximate='none'`.
    case gelu
    case leakyRelu(negativeSlope: Float)
    /// Over the last dimension.
    case softmax
    case identity

    /// The spec name (`leaky_relu`).
    public var specName: String {
        switch self {
        case .relu: "relu"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .gelu: "gelu"
        case .leakyRelu: "leaky_relu"
        case .softmax: "softmax"
        case .identity: "identity"
        }
    }

    /// The elementwise kernel, or nil for softmax, which works on rows.
    var kernel: Activation? {
        switch self {
        case .relu: .relu
        case .sigmoid: .sigmoid
        case .tanh: .tanh
        case .gelu: .gelu
        case .leakyRelu(let s): .leakyRelu(slope: s)
        case .identity: .identity
        case .softmax: nil
        }
    }
}

/// A fully connected layer `y = f(x·Wᵀ + b)`.
public struct LinearLayer: Sendable, Equatable {
    /// Input width; nil while deferred (learned from the first forward pass or an input_shape).
    public internal(set) var inFeatures: Int?
    public let outFeatures: Int
    /// Shape (out, in).
    public let weight: ParameterID
    /// Shape (out), or nil for `"bias": false`.
    public let bias: ParameterID?
    /// A fused activation applied after the affine map, or nil.
    public let activation: ActivationFunction?
}

/// What a position in the module tree computes.
public indirect enum ModuleKind: Sendable {
    /// The linear layer at this index of `Model.layers`; tied positions share an index.
    case linear(layer: Int)
    case activation(ActivationFunction)
    /// Folds every dimension after the batch dimension into one (`start_dim=1`).
    case flatten
    case sequential([ModuleNode])
}

/// One position in the module tree.
public struct ModuleNode: Sendable {
    /// The path segment of this position: the spec's `name`, or the index in its parent
    /// (`"0"`, `"block 1"`); empty for the root.
    public let name: String
    /// Whether `name` came from the spec rather than the index (kept for re-encoding).
    let hasExplicitName: Bool
    public let kind: ModuleKind
    /// The spec `id` this position defines or, when `isReference`, refers to.
    public let tieID: String?
    /// True when this position is a `{"ref": …}` to a module defined earlier.
    public let isReference: Bool

    /// The children of a sequential, or none.
    public var children: [ModuleNode] {
        if case .sequential(let c) = kind { return c }
        return []
    }

    /// The same subtree placed under another name (a reference's position).
    func renamed(_ name: String, explicit: Bool, reference: String) -> ModuleNode {
        ModuleNode(name: name, hasExplicitName: explicit, kind: kind, tieID: reference, isReference: true)
    }
}
