import HTTP
import JSON
import NeuralNet

extension ParamdService {
    /// List, read, replace and edit parameters.
    func addParameterRoutes(to router: inout Router) {
        let listing = byModelSize { request, size in
            Placement.formattingCost(values: (try? Self.booleanQuery(request, "values")) == true ? size.parameters : 0)
        }
        handle(&router, .get, "/v1/models/{model}/parameters", placement: listing) { [self] request in
            let state = try await currentState(request)
            let includeValues = try Self.booleanQuery(request, "values") ?? false
            let prefix = request.queryValue("prefix") ?? ""
            let parameters = try Self.listing(state.model, kind: request.queryValue("kind"), prefix: prefix)
            if includeValues && state.model.parameterCount >= StreamedBody.threshold {
                return StreamedBody.json(version: state.version) { stream in
                    try await Self.streamParameterListing(parameters, into: &stream)
                }
            }
            let body = Self.parameterListing(
                parameters, includeValues: includeValues, capacity: includeValues ? 64 + state.model.parameterCount * 12 : 256)
            return .json(body, version: state.version)
        }

        // The model's size bounds the tensor's: a big model's small tensors go to the pool too.
        let reading = byModelSize { _, size in Placement.formattingCost(values: size.parameters) }
        handle(&router, .get, "/v1/models/{model}/parameters/{path}", placement: reading) { [self] request in
            let state = try await currentState(request)
            let path = request.parameter("path")
            let slice = try request.queryValue("slice").map { try SliceText.parse($0, location: "slice") }
            let parameter = try state.model.parameter(path)
            if request.wantsRaw {
                let value = try slice.map { try parameter.value.sliced($0, path: path) } ?? parameter.value
                if value.count >= StreamedBody.threshold {
                    return StreamedBody.raw(value.scalars, shape: value.shape, version: state.version)
                }
                return .raw(value.scalars, shape: value.shape, version: state.version)
            }
            if slice == nil && parameter.value.count >= StreamedBody.threshold {
                return ParameterBody.streamed(parameter, version: state.version)
            }
            let body = try ParameterBody.json(parameter, slice: slice, path: path)
            return .json(body, version: state.version)
        }

        // A raw body is read straight into the new tensor's storage (RawTensorBody).
        handle(&router, .put, "/v1/models/{model}/parameters/{path}", body: RawTensorBody.plan) { [self] request in
            let slot = try await slot(request)
            let path = request.parameter("path")
            let condition = EntityTag.condition(ifMatch: request.headers["If-Match"])
            if let header = request.headers["Tensor-Shape"] { _ = try TensorShapeHeader.parse(header) }
            // Parse before queueing for the commit: a big body should not delay other writes.
            let currentShape = try slot.state().model.parameter(path).shape
            let value = try ParameterBody.replacement(request, currentShape: currentShape)
            let (state, _) = try await slot.write(condition: condition) { state in
                var model = state.model
                try model.replace(path, with: value)
                return (model, true)
            }
            if ReturnPreference.wantsMinimal(request) { return .writtenMinimally(version: state.version) }
            return try ParameterBody.response(try state.model.parameter(path), version: state.version)
        }

        // The commit runs on the model's storage queue whatever the placement; what the handler
        // itself does is parse the body and format the answer (the whole parameter, unless the
        // client prefers a minimal one: ReturnPreference), so a small edit of a small tensor stays
        // on the event loop: no hop to the pool and back.
        let registry = self.registry
        let editing = HandlerPlacement.byCost { request in
            guard let name = request.parameters["model"], let path = request.parameters["path"],
                let count = try? registry.slot(named: name).stateIfPresent?.model.parameter(path).value.count
            else { return Placement.unknown }
            let answering = ReturnPreference.wantsMinimal(request) ? .zero : Placement.formattingCost(values: count)
            return answering + Placement.parsingCost(bytes: request.body.count)
        }
        handle(&router, .patch, "/v1/models/{model}/parameters/{path}", placement: editing) { [self] request in
            let slot = try await slot(request)
            let path = request.parameter("path")
            let condition = EntityTag.condition(ifMatch: request.headers["If-Match"])
            let minimal = ReturnPreference.wantsMinimal(request)
            // 422 for an unknown path, before If-Match; a minimal answer needs no snapshot (held
            // during the write, it would make an edit of the same tensor copy it).
            let snapshot = try PatchAnswer.snapshot(slot.state(), path: path).flatMap { minimal ? nil : $0 }
            _ = try request.bodyKind()
            let operations = try PatchOperation.parseBody(request.body)
            // A minimal answer on an idle event loop is committed right here (ModelOwner.submit):
            // no hand-off to the model's queue and back. A whole parameter's answer is not: it is
            // formatted while the queue stores the write, which measured faster on a busy machine.
            let commitsHere = minimal && HTTPEventLoopThread.isIdleLoop
            // A few elements are stored as their run, then written in place (ModelOwner+InPlace).
            let (pending, isAlone) = slot.submit(condition: condition, commitsHere: commitsHere) { state -> ModelOwner.Change<Bool> in
                if let run = try PatchOperation.run(operations, in: state.model, path: path) {
                    return .durableRun(path: path, run, true)
                }
                var model = state.model
                try PatchOperation.apply(operations, to: &model, path: path)
                return .durable(model, true)
            }
            if minimal {
                return .writtenMinimally(version: try await pending.outcome().0.version)
            }
            // While the write is stored, the answer it will most likely get (PatchAnswer). The
            // write's task starts only once this job ends (strace: the model's queue is woken
            // just before the loop's next epoll_wait), so the job ends first.
            await Task.yield()
            let expected = isAlone ? snapshot.flatMap { PatchAnswer.expected(operations, on: $0, path: path) } : nil
            let (state, _) = try await pending.outcome()
            if let expected, let response = expected.response(for: state) { return response }
            return try ParameterBody.response(try state.model.parameter(path), version: state.version)
        }
    }

    /// What `?kind=` lists: `parameters` (the default, PyTorch's `named_parameters`), `buffers`
    /// (`named_buffers`: running statistics) or `all` (parameters, then buffers).
    static func listing(_ model: Model, kind: String?, prefix: String) throws -> [NamedParameter] {
        switch kind ?? "parameters" {
        case "parameters": return try model.namedParameters(prefix: prefix)
        case "buffers": return try model.namedBuffers(prefix: prefix)
        case "all":
            // A prefix naming one buffer lists just it; one naming a module lists both kinds.
            if model.isBufferPath(prefix) { return try model.namedBuffers(prefix: prefix) }
            return try model.namedParameters(prefix: prefix) + (model.hasModule(prefix) ? model.namedBuffers(prefix: prefix) : [])
        default:
            throw Problem.badRequest(
                "query parameter kind must be parameters, buffers or all, got \((kind ?? "").debugDescription)", slug: "invalid-query",
                path: "kind")
        }
    }

    /// `{"parameters": [...]}`: each parameter's header, with its values when asked for.
    static func parameterListing(_ parameters: [NamedParameter], includeValues: Bool, capacity: Int) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: capacity)
        writer.beginObject()
        writer.key("parameters")
        writer.beginArray()
        for parameter in parameters {
            writer.beginObject()
            ParameterBody.writeHeader(parameter, shape: parameter.shape, into: &writer)
            if includeValues {
                writer.key("value")
                ParameterBody.writeValues(parameter.value, dtype: parameter.dtype, into: &writer)
            }
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// ``parameterListing(_:includeValues:capacity:)`` with values, a chunk at a time.
    static func streamParameterListing(_ parameters: [NamedParameter], into stream: inout JSONStream) async throws {
        stream.writer.beginObject()
        stream.writer.key("parameters")
        stream.writer.beginArray()
        for parameter in parameters {
            stream.writer.beginObject()
            ParameterBody.writeHeader(parameter, shape: parameter.shape, into: &stream.writer)
            stream.writer.key("value")
            try await stream.write(tensor: parameter.value.scalars, shape: parameter.shape)
            stream.writer.endObject()
        }
        stream.writer.endArray()
        stream.writer.endObject()
    }

    /// A boolean query parameter: `true` or `false`, anything else is 400.
    static func booleanQuery(_ request: HTTPRequest, _ name: String) throws(Problem) -> Bool? {
        guard let text = request.queryValue(name) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            throw Problem.badRequest(
                "query parameter \(name) must be true or false, got \(text.debugDescription)", slug: "invalid-query", path: name)
        }
    }
}
