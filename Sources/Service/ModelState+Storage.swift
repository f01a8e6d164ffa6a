import JSON
import NeuralNet

extension ModelState {
    /// What storage keeps: the creation document (with the input shape once known) and every
    /// parameter and buffer once, under its first path. Tensors share their storage: nothing
    /// is copied.
    /// - Throws: if the parameters cannot be listed; never an empty model in their place, which
    ///   a save would make durable.
    var stored: StoredModel {
        get throws {
            let parameters = try Self.storedTensors(of: model)
            return StoredModel(
                name: name, version: version, document: storedDocument,
                tensors: parameters.map { StoredTensor(path: $0.path, shape: $0.shape, values: $0.value.scalars) })
        }
    }

    /// What storage keeps of a model's tensors: every parameter once, then every buffer (running
    /// statistics, step counters).
    static func storedTensors(of model: Model) throws -> [NamedParameter] {
        try model.namedParameters() + model.namedBuffers()
    }

    /// The creation document with the input shape a forward pass learned.
    var storedDocument: JSONValue {
        guard let inputShape = model.inputShape, case .object(var members) = document else { return document }
        members["input_shape"] = .array(inputShape.map { JSONValue.number(Double($0)) })
        return .object(members)
    }

    /// The commit that takes storage from `committed` to this state: the document if it
    /// changed, and for each tensor that is not the very buffer it was (copy-on-write: an
    /// untouched tensor is shared), the one run of elements that differs — a one-element PATCH
    /// stores one element, a PUT or a training step the whole tensor (or what changed of it).
    ///
    /// `rewritten` names the tensors that are new buffers holding exactly the committed values
    /// (an edit that wrote what was there already): the commit stores nothing for them, so the
    /// store keeps the committed buffer, and ``sharing(_:of:)`` gives them back to the state.
    /// `paths` keeps the stored paths between commits (a model owner's; each call a fresh one
    /// otherwise). `run`, an edit not yet written into this state, is stored as its elements.
    func commit(
        after committed: ModelState, paths: StoredTensorPaths.Cache = StoredTensorPaths.Cache(), run pending: PendingRun? = nil
    ) throws -> (commit: ModelCommit, rewritten: [String]) {
        let stored = try paths.paths(of: model)
        var updates: [TensorUpdate] = []
        var rewritten: [String] = []
        for entry in stored.entries {
            guard let tensor = StoredTensorPaths.tensor(entry, in: model) else { continue }
            let values = tensor.scalars
            let previous = StoredTensorPaths.tensor(entry, in: committed.model)
            guard let previous, previous.shape == tensor.shape else {
                updates.append(TensorUpdate(whole: StoredTensor(path: entry.path, shape: tensor.shape, values: values)))
                continue
            }
            if previous.sharesStorage(with: tensor) { continue }
            guard let run = FloatRun.differing(previous.scalars, values) else {
                rewritten.append(entry.path)
                continue
            }
            updates.append(TensorUpdate(path: entry.path, shape: tensor.shape, values: values, range: run))
        }
        if let pending {
            // Under the path storage keeps it by (the request may have named an alias).
            let parameter = try model.parameter(pending.path)
            let path = stored.entries.first { !$0.isBuffer && $0.id == parameter.id }?.path ?? pending.path
            updates.append(TensorUpdate(path: path, shape: parameter.shape, elements: pending.run.values, at: pending.run.start))
        }
        let document = storedDocument
        let commit = ModelCommit(
            name: name, expectedVersion: committed.version, version: version,
            document: document == committed.storedDocument ? nil : document, tensors: updates)
        return (commit, rewritten)
    }

    /// This state with the tensors at `paths` taken from `committed` (same values, its buffer):
    /// the copies an edit made of them are freed once nothing else holds them, instead of
    /// living beside the store's buffer until the tensor next changes. Runs after the commit is
    /// durable, so it cannot fail the write: a tensor it cannot take keeps its copy (same
    /// values, only the memory is not saved; ``commit(after:)`` found the path in both).
    func sharing(_ paths: [String], of committed: ModelState) -> ModelState {
        var model = model
        for path in paths {
            guard let kept = try? committed.model.isBufferPath(path) ? committed.model.buffer(path) : committed.model.parameter(path)
            else { continue }
            _ = try? model.replace(path, with: kept.value)
        }
        return ModelState(name: name, version: version, model: model, document: document)
    }

    /// Rebuilds a model from storage: the structure from its document, the values from the
    /// stored tensors (no random draws, no copies: each tensor keeps the stored array).
    /// - Throws: when the document no longer decodes or a tensor does not fit (a damaged model).
    init(stored: StoredModel, limits: ModelLimits) throws {
        let creation = try CreateDocument(stored: stored.document)
        var parameters: [String: Tensor] = [:]
        for tensor in stored.tensors {
            parameters[tensor.path] = try Tensor(shape: tensor.shape, scalars: tensor.values)
        }
        let model = try Model(
            spec: creation.spec, parameters: parameters, seed: creation.seed, initializer: creation.initializer,
            inputShape: creation.inputShape, limits: limits)
        self.init(name: stored.name, version: stored.version, model: model, document: stored.document)
    }
}

extension Tensor {
    /// Whether both are views of one buffer: a write copies only the tensors it changes
    /// (copy-on-write), so shared storage means unchanged. O(1), no element is read.
    func sharesStorage(with other: Tensor) -> Bool {
        scalars.withUnsafeBufferPointer { x in
            other.scalars.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress && x.count == y.count }
        }
    }
}
