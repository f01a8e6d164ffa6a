import HTTP
import JSON
import NeuralNet

extension ParamdService {
    /// Forward, backward, zero-grad, train and initialize.
    func addComputeRoutes(to router: inout Router) {
        handle(&router, .post, "/v1/models/{model}/forward") { [self] request in
            try await forward(request)
        }
        handle(&router, .post, "/v1/models/{model}/initialize") { [self] request in
            let slot = try await slot(request)
            let condition = EntityTag.condition(ifMatch: request.headers["If-Match"])
            _ = try request.bodyKind()
            let document = try JSONValue(parsing: request.body)
            if case .object(let members) = document, let seed = members["seed"] {
                _ = try JSONObject.integer(seed, at: "body.seed", in: 0...CreateDocument.maxSeed)
            }
            let rules = try InitializationRules(json: document, location: "body")
            let (state, filled) = try await slot.write(condition: condition) { state in
                var model = state.model
                let filled = try model.initialize(rules)
                for path in filled {
                    try ParameterBody.requireFinite(try model.parameter(path).value.scalars, what: "the initialized value of \(path)")
                }
                return (model, filled)
            }
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("version")
            writer.write(number: Double(state.version))
            writer.key("initialized")
            writer.beginArray()
            for path in filled ?? [] { writer.write(string: path) }
            writer.endArray()
            writer.endObject()
            return .json(writer.bytes, version: state.version)
        }
        addTrainingRoutes(to: &router)
    }

    /// POST forward: one registry hop, then the pass runs on the snapshot, in parallel with
    /// every other read, on the event loop or the pool as its cost decides (``Placement``);
    /// small batches share a pass with those queued beside them (``ForwardCoalescer``).
    /// Only a model whose deferred layers materialize on this pass queues a write (that pass
    /// is a durable write).
    private func forward(_ request: HTTPRequest) async throws -> HTTPResponse {
        let slot = try await slot(request)
        var state = try slot.state()
        let snapshot = state
        let cost = ForwardRequest.estimatedCost(of: request, model: state.model)
        // Parsing and the pass run in one placement (one trip to the pool for heavy work);
        // only a small batch that may share a pass leaves its pass to the coalescer.
        let (parsed, computed) = try await Placement.run(cost: cost) { () throws -> (ForwardRequest, ForwardResult?) in
            let parsed = try ForwardRequest(request, model: snapshot.model)
            for path in parsed.capture { _ = try snapshot.model.module(at: path) }  // 422 for an unknown path
            if parsed.capture.isEmpty && ForwardCoalescer.accepts(parsed.inputs) { return (parsed, nil) }
            return (parsed, try snapshot.model.forward(parsed.inputs, capture: parsed.capture))
        }
        var result: ForwardResult
        if let computed {
            result = computed
        } else {
            result = try await coalescer.forward(parsed.inputs, state: snapshot, slot: slot)
        }
        if result.materializedModel != nil {
            let written = try await slot.write(condition: nil) {
                (current: ModelState) throws -> (model: Model, result: ForwardResult)? in
                let again = try current.model.forward(parsed.inputs, capture: parsed.capture)
                guard let materialized = again.materializedModel else { return nil }
                return (materialized, again)
            }
            state = written.state
            result = try written.result ?? state.model.forward(parsed.inputs, capture: parsed.capture)
        }
        metrics.recordForward(batchSize: parsed.inputs.shape[0])
        try ParameterBody.requireFinite(result.output.scalars, what: "the output")
        if request.wantsRaw {
            return .raw(result.output.scalars, shape: result.output.shape, version: state.version)
        }
        var writer = JSONWriter(reservingCapacity: 64 + result.output.count * 12)
        writer.beginObject()
        writer.key("outputs")
        writer.write(tensor: result.output.scalars, shape: result.output.shape)
        writer.key("shape")
        writer.beginArray()
        for dimension in result.output.shape { writer.write(number: Double(dimension)) }
        writer.endArray()
        if !parsed.capture.isEmpty {
            writer.key("activations")
            writer.beginObject()
            for path in parsed.capture {
                guard let activation = result.activations[path] else { continue }
                try ParameterBody.requireFinite(activation.scalars, what: "the activation of \(path)")
                writer.key(path)
                writer.write(tensor: activation.scalars, shape: activation.shape)
            }
            writer.endObject()
        }
        writer.endObject()
        return .json(writer.bytes, version: state.version)
    }
}
