public import JSON
public import NeuralNet

/// One model as the data directory keeps it: its name, version, the JSON document that
/// rebuilds its structure, and its parameter tensors keyed by state-dict path.
///
/// The storage layer does not interpret `document` or the tensors: the service decides what
/// they hold (the create request, the learned input shape, …) and checks that they fit when it
/// rebuilds the model.
public struct PersistedModel: Sendable, Equatable {
    public var name: String
    public var version: Int
    public var document: JSONValue
    /// Parameters in declaration order; each tensor's `name` is its state-dict path.
    public var tensors: [SafeTensorsEntry]

    public init(name: String, version: Int, document: JSONValue, tensors: [SafeTensorsEntry]) {
        precondition(version >= 0, "model versions are non-negative")
        self.name = name
        self.version = version
        self.document = document
        self.tensors = tensors
    }
}
