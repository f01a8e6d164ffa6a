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
            var document = self.document
            if let inputShape = model.inputShape, case .object(var members) = document {
                members["input_shape"] = .array(inputShape.map { JSONValue.number(Double($0)) })
                document = .object(members)
            }
            let parameters = try model.namedParameters() + model.namedBuffers()
            return StoredModel(
                name: name, version: version, document: document,
                tensors: parameters.map { StoredTensor(path: $0.path, shape: $0.shape, values: $0.value.scalars) })
        }
    }

    /// Rebuilds a model from storage: the structure from its document, the values from the
    /// stored tensors (no random draws).
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
