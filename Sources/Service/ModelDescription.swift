import JSON
import NeuralNet

/// The body of describe (and of create's 201): what `print(net)`, Keras's `summary()` and
/// the counts say, with the version and the spec as given.
enum ModelDescription {
    static func json(_ state: ModelState) -> [UInt8] {
        let model = state.model
        let counts = model.counts
        var writer = JSONWriter(reservingCapacity: 1024)
        writer.beginObject()
        writer.key("name")
        writer.write(string: state.name)
        writer.key("version")
        writer.write(number: Double(state.version))
        writer.key("seed")
        writer.write(number: Double(model.seed))
        writer.key("init")
        writer.write(member("init", of: state.document) ?? .string("pytorch"))
        writer.key("spec")
        writer.write(member("spec", of: state.document) ?? .null)
        if let inputShape = model.inputShape {
            writer.key("input_shape")
            writer.write(.array(inputShape.map { JSONValue.number(Double($0)) }))
        }
        writer.key("tree")
        writer.write(string: model.describe())
        writer.key("summary")
        writer.write(summary(model))
        writer.key("parameter_count")
        writer.write(number: Double(counts.total))
        writer.key("tensor_count")
        writer.write(number: Double(counts.tensors))
        writer.key("initialized")
        writer.write(bool: !model.hasDeferredLayers)
        writer.endObject()
        return writer.bytes
    }

    static func member(_ key: String, of document: JSONValue) -> JSONValue? {
        if case .object(let members) = document { return members[key] }
        return nil
    }

    /// `{"layers": [{"name", "type", "output_shape", "parameters"}], "total_parameters",
    /// "trainable_parameters"}`: one row per top-level module, as Keras lists them; an output
    /// shape is `[null, 8]` (batch first) or null while the input shape is unknown.
    static func summary(_ model: Model) -> JSONValue {
        let rows = model.root.children.isEmpty ? [model.root] : model.root.children
        // Before any forward, the first linear layer's `in` tells the per-sample width.
        var shape: [Int]? = model.inputShape ?? ForwardRequest.inputWidth(model).map { [$0] }
        var layers: [JSONValue] = []
        for (index, child) in rows.enumerated() {
            let path = model.root.children.isEmpty ? "" : child.name
            shape = outputShape(child, shape, model: model)
            let module = try? model.module(at: path)
            let parameters = (module?.parameterCount ?? 0) + (module?.nonTrainableCount ?? 0)
            let type = (try? model.module(at: path).type) ?? "module"
            layers.append(
                .object([
                    "name": .string(child.name.isEmpty ? String(index) : child.name),
                    "type": .string(type),
                    "output_shape": shape.map { .array([.null] + $0.map { .number(Double($0)) }) } ?? .null,
                    "parameters": .number(Double(parameters))
                ]))
        }
        let trainable = Double(model.counts.total)
        let total = trainable + Double((try? model.module(at: "").nonTrainableCount) ?? 0)
        return .object([
            "layers": .array(layers), "total_parameters": .number(total), "trainable_parameters": .number(trainable)
        ])
    }

    /// The per-sample output shape of `node` for a per-sample input `shape` (nil: unknown).
    static func outputShape(_ node: ModuleNode, _ shape: [Int]?, model: Model) -> [Int]? {
        guard let shape else { return nil }
        return model.outputShape(of: node, for: .sample(shape)).sample
    }
}
