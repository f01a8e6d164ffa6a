/// A parameter (or buffer) as listings show it, PyTorch `named_parameters` style.
public struct NamedParameter: Sendable, Equatable {
    /// The first path in declaration order (`0.block 1.2.bias`).
    public let path: String
    /// The other paths of a tied parameter, in declaration order; empty when not tied.
    public let aliases: [String]
    public let id: ParameterID
    /// Weight or bias (for a buffer, `weight`: buffers have no role).
    public let role: ParameterRole
    public let value: Tensor
    /// Nil before any backward pass, and always for a buffer.
    public let gradient: Tensor?
    /// Whether this is a buffer (running statistics: saved and served, never trained).
    public var isBuffer = false
    /// The element type PyTorch keeps it in; values are held as Float32 either way.
    public var dtype: TensorDType = .float32

    public var shape: [Int] { value.shape }
    public var isTied: Bool { !aliases.isEmpty }
}

/// A module position as lookups show it.
public struct ModuleInfo: Sendable {
    public let path: String
    /// The layer's spec type (`linear`, `batch_norm1d`, `sequential`, an activation's name).
    public let type: String
    /// The spec `id` this position defines or refers to, when tied.
    public let tieID: String?
    /// Child names of a sequential.
    public let children: [String]
    /// Distinct parameters under this module (tied counted once), materialized ones.
    public let parameterCount: Int
    /// Elements of the float32 buffers under this module (batch norm's running statistics):
    /// what Keras counts as non-trainable parameters.
    public var nonTrainableCount = 0
    /// The subtree printed like PyTorch's `print(module)`.
    public let description: String
}
