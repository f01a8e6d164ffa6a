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

/// New values for one tensor, and which of its elements changed.
///
/// Either the whole tensor after the commit (`values`: the model's own array, copy-on-write, so
/// nothing is copied and the snapshot before the commit keeps its values), or only the run of
/// elements that changed (an edit of a few elements, which the service writes into its tensor
/// once the commit is durable: a store that keeps the tensor applies the run to it). `range` is
/// the run of elements (row-major indices) that differ from what is stored; a store may write
/// only `elements`, which is what keeps a one-element PATCH of a large tensor a small write.
/// When ``isWhole`` the tensor is new, changed shape, or changed everywhere; otherwise the
/// stored tensor has `shape` already.
public struct TensorUpdate: Sendable, Equatable {
    public var path: String
    /// The tensor's full shape after the update.
    public var shape: [Int]
    /// The elements that changed.
    public var range: Range<Int>
    private var carried: Carried

    private enum Carried: Sendable, Equatable {
        /// Every element after the update.
        case whole([Float])
        /// The elements of `range` alone.
        case run([Float])
    }

    /// Every element: the tensor is replaced or added.
    public init(whole tensor: StoredTensor) {
        path = tensor.path
        shape = tensor.shape
        range = 0..<tensor.values.count
        carried = .whole(tensor.values)
    }

    /// The elements `range` of `values` (the tensor's full array) changed; the rest did not.
    public init(path: String, shape: [Int], values: [Float], range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= values.count, "the changed run lies inside the tensor")
        self.path = path
        self.shape = shape
        self.range = range
        carried = .whole(values)
    }

    /// The elements from `start` on became `elements`; the stored tensor, of `shape`, keeps the
    /// others.
    public init(path: String, shape: [Int], elements: [Float], at start: Int) {
        precondition(start >= 0 && start + elements.count <= shape.reduce(1, *), "the changed run lies inside the tensor")
        self.path = path
        self.shape = shape
        range = start..<(start + elements.count)
        carried = .run(elements)
    }

    /// Every element of the tensor after the update, when the update carries them (nil for a run).
    public var values: [Float]? {
        if case .whole(let values) = carried { values } else { nil }
    }

    /// The changed elements, in order (`range.count` of them).
    public var elements: ArraySlice<Float> {
        switch carried {
        case .whole(let values): values[range]
        case .run(let elements): elements[...]
        }
    }

    /// Whether the update carries the whole tensor.
    public var isWhole: Bool {
        if case .whole(let values) = carried { range == 0..<values.count } else { false }
    }
}
