import JSON
import NeuralNet

extension ModelState {
    /// What storage keeps: the creation document (with the input shape once known) and every
    /// parameter once, under its first path. Tensors share their buffers: nothing is copied.
    var stored: StoredModel {
        var document = self.document
        if let inputShape = model.inputShape, case .object(var members) = document {
            members["input_shape"] = .array(inputShape.map { JSONValue.number(Double($0)) })
            document = .object(members)
        }
        let parameters = (try? model.namedParameters()) ?? []
        return StoredModel(
            name: name, version: version, document: document,
            tensors: parameters.map { StoredTensor(path: $0.path, shape: $0.shape, values: $0.value.scalars) })
    }

    /// Rebuilds a model from storage: the structure from its document, then every stored value.
    /// - Throws: when the document no longer decodes or a tensor does not fit (a damaged model).
    init(stored: StoredModel, limits: ModelLimits) throws {
        let creation = try CreateDocument(stored: stored.document)
        var model = try creation.makeModel(limits: limits)
        let expected = Set(try model.namedParameters().map(\.path))
        let found = Set(stored.tensors.map(\.path))
        guard expected == found else {
            throw StorageFailure(
                "stored tensors \(found.sorted()) do not match the parameters \(expected.sorted()) of the stored spec")
        }
        for tensor in stored.tensors {
            try model.replace(tensor.path, with: try Tensor(shape: tensor.shape, scalars: tensor.values))
        }
        self.init(name: stored.name, version: stored.version, model: model, document: stored.document)
    }
}
