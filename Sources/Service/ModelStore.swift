public import JSON

/// One model as it is kept on disk: the document that recreates its structure, and its
/// parameter values keyed by their PyTorch state-dict path.
public struct StoredModel: Sendable, Equatable {
    public var name: String
    public var version: Int
    /// `{"spec": …, "seed": …, "init": …, "input_shape": …}` as the client gave them (input_shape
    /// also once a forward pass learned it).
    public var document: JSONValue
    /// Every materialized parameter once, under its first path, in declaration order.
    public var tensors: [StoredTensor]

    public init(name: String, version: Int, document: JSONValue, tensors: [StoredTensor]) {
        self.name = name
        self.version = version
        self.document = document
        self.tensors = tensors
    }
}

/// One parameter tensor on disk.
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

/// What loading the data directory found.
public struct StoreInventory: Sendable {
    public var models: [StoredModel]
    /// Folders that could not be read, by model name, with the reason.
    public var damaged: [(name: String, reason: String)]

    public init(models: [StoredModel], damaged: [(name: String, reason: String)]) {
        self.models = models
        self.damaged = damaged
    }
}

/// Durable storage of models. `save` returns only once the model is on disk for good (file
/// and directory fsynced); when it throws, what was stored before is still there, whole.
///
/// Implementations must not block the cooperative thread pool: their disk work runs on
/// threads of their own.
public protocol ModelStore: Sendable {
    func loadAll() async -> StoreInventory
    func save(_ model: StoredModel) async throws
    func remove(name: String) async throws
}

/// The error a store throws when a write could not be made durable (full disk, failed fsync).
public struct StorageFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
