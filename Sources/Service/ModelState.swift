public import JSON
public import NeuralNet

/// One model at one version: immutable, so any number of readers and forward passes can hold
/// it while a write builds the next one (which shares every tensor it does not change).
public struct ModelState: Sendable {
    public let name: String
    /// 1 on create, +1 on every durable write.
    public let version: Int
    public let model: Model
    /// What the client gave at creation (`spec`, `seed`, `init`, `input_shape`), echoed by
    /// describe and stored so the structure can be rebuilt.
    public let document: JSONValue

    public init(name: String, version: Int, model: Model, document: JSONValue) {
        self.name = name
        self.version = version
        self.model = model
        self.document = document
    }

    /// The same model at the next version with `model` changed.
    func next(_ model: Model) -> ModelState {
        ModelState(name: name, version: version + 1, model: model, document: document)
    }

    /// The same version with in-memory-only changes (gradients).
    func replacingInMemory(_ model: Model) -> ModelState {
        ModelState(name: name, version: version, model: model, document: document)
    }
}
