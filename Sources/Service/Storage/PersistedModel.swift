public import JSON
public import NeuralNet

/// One model as the data directory keeps it: its name, version, the JSON document that
/// rebuilds its structure, and its parameter tensors keyed by state-dict path.
///
/// The storage layer does not interpret `document` or the tensors: the service decides what
/// they hold (the create request, the learned input shape, …) and checks that they fit when it
/// rebuilds the model.
public struct PersistedModel: Sendable, Equatable {
    /// The model name, which is also its folder name.
    public var name: String
    /// Incremented by the service on every write; stored, not interpreted here.
    public var version: Int
    /// The JSON that rebuilds the model's structure (spec, seed, initializer, …).
    public var document: JSONValue
    /// Parameters in declaration order; each tensor's `name` is its state-dict path.
    public var tensors: [SafeTensorsEntry]

    /// A model record; `version` must not be negative.
    public init(name: String, version: Int, document: JSONValue, tensors: [SafeTensorsEntry]) {
        precondition(version >= 0, "model versions are non-negative")
        self.name = name
        self.version = version
        self.document = document
        self.tensors = tensors
    }
}
