public import JSON

/// One durable change to one model, as a ``ModelStore`` applies it.
public enum ModelChange: Sendable {
    /// A new model, whole, at its first version. Fails with `.alreadyExists` if the name is
    /// stored.
    case create(StoredModel)
    /// Later versions of an existing model; see ``ModelCommit``.
    case commit(ModelCommit)
    /// Removes a model and everything stored for it, if its stored version is `expectedVersion`
    /// (nil: whatever it is, e.g. a damaged model whose version cannot be read).
    case delete(name: String, expectedVersion: Int?)

    /// The model the change is about.
    public var modelName: String {
        switch self {
        case .create(let model): model.name
        case .commit(let commit): commit.name
        case .delete(let name, _): name
        }
    }
}

/// A compare-and-set commit: "the model at `expectedVersion` becomes `version` with these
/// tensors and this document". Everything it does not name stays as stored.
///
/// One commit may carry several writes of one batch: `version` is then more than one past
/// `expectedVersion`, and each tensor appears once with its final values.
public struct ModelCommit: Sendable {
    public var name: String
    /// The version the store must hold; any other is a `.versionConflict` and nothing changes.
    public var expectedVersion: Int
    /// The version stored once the commit is applied; greater than `expectedVersion`.
    public var version: Int
    /// The new document, or nil to keep the stored one.
    public var document: JSONValue?
    /// Tensors (or runs of their elements) replaced or added, at most one per path.
    public var tensors: [TensorUpdate]

    public init(name: String, expectedVersion: Int, version: Int, document: JSONValue? = nil, tensors: [TensorUpdate]) {
        precondition(version > expectedVersion, "a commit moves a model forward")
        self.name = name
        self.expectedVersion = expectedVersion
        self.version = version
        self.document = document
        self.tensors = tensors
    }
}

/// New values for one tensor, or for one run of its elements.
///
/// `elements` is a slice of the tensor's own array (no copy); its indices are element offsets
/// in row-major order, so `elements.startIndex` is where the run begins. When
/// `isWhole`, the tensor is replaced (or added) with `shape`; otherwise the stored tensor has
/// `shape` already and only the elements in `elements.indices` change — which is what keeps a
/// one-element PATCH of a large tensor a small write.
public struct TensorUpdate: Sendable, Equatable {
    public var path: String
    /// The tensor's full shape after the update.
    public var shape: [Int]
    public var elements: ArraySlice<Float>

    /// Every element: the tensor is replaced or added.
    public init(whole tensor: StoredTensor) {
        path = tensor.path
        shape = tensor.shape
        elements = tensor.values[...]
    }

    /// The elements `range` of `values` (the tensor's full array) change; the rest stay.
    public init(path: String, shape: [Int], values: [Float], range: Range<Int>) {
        self.path = path
        self.shape = shape
        elements = values[range]
    }

    /// Whether the update carries the whole tensor.
    public var isWhole: Bool { elements.startIndex == 0 && elements.count == Self.elementCount(shape) }

    static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }
}
