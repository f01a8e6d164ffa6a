import HTTP
import JSON
import NeuralNet

extension ParamdService {
    /// Forward, backward, zero-grad, train and initialize.
    func addComputeRoutes(to router: inout Router) {
        let forwarding = byModelSize { request, size in ForwardRequest.estimatedCost(of: request, size: size) }
        handle(&router, .post, "/v1/models/{model}/forward", placement: forwarding) { [self] request in
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

    /// POST forward: the shared forward pass (``forwardPass(_:parse:)``), answered as JSON
    /// or raw float32.
    private func forward(_ request: HTTPRequest) async throws -> HTTPResponse {
        let slot = try await slot(request)
        let snapshot = try slot.state()
        sizes.record(snapshot, of: slot)
        let (parsed, state, result) = try await forwardPass(ForwardSnapshot(slot: slot, state: snapshot)) {
            try ForwardRequest(request, model: snapshot.model)
        }
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

    /// One forward pass as every forward route runs it: one registry hop already made (the
    /// snapshot), then the pass on that snapshot, in parallel with every other read, where the
    /// router placed the route by its estimated cost (``Placement``); small batches share a
    /// pass with those queued beside them (``ForwardCoalescer``), which applies the same rule to
    /// the joint pass. Only a model whose deferred layers materialize on this pass queues a
    /// write (that pass is a durable write), and the state returned is then the one written.
    /// - Parameter parse: decodes the request on the snapshot.
    /// - Throws: what `parse` throws; a problem for an unknown capture path or an output that
    ///   is not finite.
    func forwardPass<Parsed: ForwardInputs>(
        _ snapshot: ForwardSnapshot, parse: () throws -> Parsed
    ) async throws -> (parsed: Parsed, state: ModelState, result: ForwardResult) {
        let model = snapshot.state.model
        let parsed = try parse()
        for path in parsed.capture { _ = try model.module(at: path) }  // 422 for an unknown path
        let computed =
            parsed.capture.isEmpty && parsed.mode == .eval && ForwardCoalescer.accepts(parsed.inputs)
            ? nil : try model.forward(parsed.inputs, capture: parsed.capture, mode: parsed.mode)
        var state = snapshot.state
        var result: ForwardResult
        if let computed {
            result = computed
        } else {
            result = try await coalescer.forward(parsed.inputs, state: state, slot: snapshot.slot)
        }
        if result.materializedModel != nil {
            let written = try await snapshot.slot.write(condition: nil) {
                (current: ModelState) throws -> (model: Model, result: ForwardResult)? in
                let again = try current.model.forward(parsed.inputs, capture: parsed.capture, mode: parsed.mode)
                guard let materialized = again.materializedModel else { return nil }
                return (materialized, again)
            }
            state = written.state
            result = try written.result ?? state.model.forward(parsed.inputs, capture: parsed.capture, mode: parsed.mode)
        }
        metrics.recordForward(batchSize: parsed.inputs.shape[0])
        try ParameterBody.requireFinite(result.output.scalars, what: "the output")
        return (parsed, state, result)
    }
}

/// A model's slot with the snapshot a forward pass reads.
struct ForwardSnapshot {
    let slot: ModelOwner
    let state: ModelState
}

/// What a forward route decoded from its request: the input batch, the module paths whose
/// activations to return, and the mode (a train-mode forward never writes: batch norm's
/// running statistics move only through backward and train).
protocol ForwardInputs: Sendable {
    var inputs: Tensor { get }
    var capture: [String] { get }
    var mode: RunMode { get }
}

extension ForwardInputs {
    var mode: RunMode { .eval }
}
