public import JSON

/// One model as a store keeps it: the document that recreates its structure, and its
/// parameter values keyed by their PyTorch state-dict path.
public struct StoredModel: Sendable, Equatable {
    public var name: String
    /// 1 on create, then the version each commit produced.
    public var version: Int
    /// `{"spec": …, "seed": …, "init": …, "input_shape": …}` as the client gave them (input_shape
    /// also once a forward pass learned it).
    public var document: JSONValue
    /// Every materialized parameter once, under its first path, in declaration order (only the
    /// requested ones after a partial load).
    public var tensors: [StoredTensor]

    public init(name: String, version: Int, document: JSONValue, tensors: [StoredTensor]) {
        self.name = name
        self.version = version
        self.document = document
        self.tensors = tensors
    }
}

/// One parameter tensor: a row-major Float32 array and its shape.
///
/// `values` is the tensor's own storage, not a copy: a write hands the store the model's array
/// (copy-on-write, so the snapshot it came from stays as it was), and the file store reads a
/// loaded tensor with one read straight into the array the model then keeps.
public struct StoredTensor: Sendable, Equatable {
    public var path: String
    public var shape: [Int]
    public var values: [Float]

    public init(path: String, shape: [Int], values: [Float]) {
        self.path = path
        self.shape = shape
        self.values = values
    }
}
