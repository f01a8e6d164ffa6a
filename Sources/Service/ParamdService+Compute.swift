import HTTP
import JSON
import NeuralNet

extension ParamdService {
    /// Forward, backward, zero-grad, train and initialize.
    func addComputeRoutes(to router: inout Router) {
        let forwarding = byModelSize { request, size in ForwardRequest.estimatedCost(of: request, size: size) }
        handleDeferred(&router, .post, "/v1/models/{model}/forward", placement: forwarding, body: ReusableBody.plan) {
            [self] request, answer in
            try forward(request, answer)
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

    /// POST forward: the shared forward pass (``forwardPass(_:_:turn:then:)``), answered as JSON
    /// or raw float32.
    private func forward(_ request: HTTPRequest, _ answer: DeferredAnswer) throws {
        let slot = try owner(request)
        let snapshot = try slot.state()
        sizes.record(snapshot, of: slot)
        let parsed = try ForwardRequest(request, model: snapshot.model)
        let raw = request.wantsRaw
        try forwardPass(ForwardSnapshot(slot: slot, state: snapshot), parsed, turn: answer.sink) { outcome in
            answer.send(Result { try Self.forwardResponse(parsed, outcome: outcome.get(), raw: raw, fields: slot.answerFields) })
            // Answered: the inputs' storage may serve the next request's.
            FloatArrayPool.shared.giveBack(parsed.inputs.scalars)
        }
    }

    /// A forward's outputs (and captured activations) as JSON, or raw float32.
    private static func forwardResponse(
        _ parsed: ForwardRequest, outcome: (state: ModelState, result: ForwardResult), raw: Bool, fields: AnswerFields
    ) throws -> HTTPResponse {
        let (state, result) = outcome
        if raw {
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
        return HTTPResponse(headers: fields.json(version: state.version), body: .bytes(writer.bytes))
    }

    /// One forward pass as every forward route runs it, with no task of its own: on the
    /// snapshot the route took (one look into the registry), in parallel with every other
    /// read, where the router placed the route by its estimated cost (``Placement``). Small
    /// batches share a pass with the others of their loop's turn (``ForwardCoalescer``), which
    /// places the joint pass by the same rule. Only a model whose deferred layers materialize on
    /// this pass queues a write (that pass is a durable write, awaited in a task), and the state
    /// handed on is then the one written.
    ///
    /// `finish` gets the state and result, or what went wrong: a problem for an output that is
    /// not finite, the pass's error; it runs where the pass ran (or where the write finished).
    /// - Throws: at once, a problem for an unknown capture path.
    func forwardPass<Parsed: ForwardInputs>(
        _ snapshot: ForwardSnapshot, _ parsed: Parsed, turn: some LoopTurn,
        then finish: @escaping @Sendable (Result<(state: ModelState, result: ForwardResult), any Error>) -> Void
    ) throws {
        let model = snapshot.state.model
        for path in parsed.capture { _ = try model.module(at: path) }  // 422 for an unknown path
        let computed: ForwardCoalescer.Delivery = { [self] computed in
            switch computed {
            case .success(let result) where result.materializedModel != nil:
                Task { [self] in
                    do {
                        finish(.success(try await materialize(snapshot, parsed)))
                    } catch {
                        finish(.failure(error))
                    }
                }
            case .success(let result):
                finish(Result { try checked(parsed, state: snapshot.state, result) })
            case .failure(let error):
                finish(.failure(error))
            }
        }
        if parsed.capture.isEmpty && parsed.mode == .eval && ForwardCoalescer.accepts(parsed.inputs) {
            coalescer.join(parsed.inputs, state: snapshot.state, slot: snapshot.slot, turn: turn, deliver: computed)
        } else {
            computed(Result { try model.forward(parsed.inputs, capture: parsed.capture, mode: parsed.mode) })
        }
    }

    /// A pass that materialized deferred layers, as the durable write it is: run again on the
    /// model's current state in its write path, unless another write materialized them first.
    private func materialize<Parsed: ForwardInputs>(
        _ snapshot: ForwardSnapshot, _ parsed: Parsed
    ) async throws -> (state: ModelState, result: ForwardResult) {
        let written = try await snapshot.slot.write(condition: nil) {
            (current: ModelState) throws -> (model: Model, result: ForwardResult)? in
            let again = try current.model.forward(parsed.inputs, capture: parsed.capture, mode: parsed.mode)
            guard let materialized = again.materializedModel else { return nil }
            return (materialized, again)
        }
        let state = written.state
        let result = try written.result ?? state.model.forward(parsed.inputs, capture: parsed.capture, mode: parsed.mode)
        return try checked(parsed, state: state, result)
    }

    /// A pass's result counted, and refused when its output is not finite.
    private func checked<Parsed: ForwardInputs>(
        _ parsed: Parsed, state: ModelState, _ result: ForwardResult
    ) throws -> (state: ModelState, result: ForwardResult) {
        metrics.recordForward(batchSize: parsed.inputs.shape[0])
        try ParameterBody.requireFinite(result.output.scalars, what: "the output")
        return (state, result)
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
