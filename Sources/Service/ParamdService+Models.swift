import HTTP
import JSON
import NeuralNet

extension ParamdService {
    /// Create, list, describe and delete.
    func addModelRoutes(to router: inout Router) {
        handle(&router, .post, "/v1/models") { [self] request in
            try await createModel(request)
        }
        handle(&router, .get, "/v1/models") { [self] _ in
            let listing = await registry.list()
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("models")
            writer.beginArray()
            for entry in listing {
                writer.beginObject()
                writer.key("name")
                writer.write(string: entry.name)
                writer.key("version")
                writer.write(number: Double(entry.state?.version ?? 0))
                writer.key("parameter_count")
                writer.write(number: Double(entry.state?.model.parameterCount ?? 0))
                if let damage = entry.damage {
                    writer.key("damaged")
                    writer.write(string: damage)
                }
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            return .json(writer.bytes)
        }
        handle(&router, .get, "/v1/models/{model}") { [self] request in
            let state = try await currentState(request)
            return .json(ModelDescription.json(state), version: state.version)
        }
        handle(&router, .delete, "/v1/models/{model}") { [self] request in
            let name = try modelName(request)
            let condition = EntityTag.condition(ifMatch: request.headers["If-Match"])
            try await registry.delete(name, condition: condition)
            sizes.forget(name)
            return HTTPResponse(status: .noContent)
        }
    }

    /// POST /v1/models: reserve the name, build the model, store it, then publish it.
    private func createModel(_ request: HTTPRequest) async throws -> HTTPResponse {
        _ = try request.bodyKind()
        let body = try JSONObject(body: request.body, allowed: ["name", "spec", "seed", "init", "input_shape"])
        guard let name = try body.string("name") else { throw try body.required("name").wrongTypeProblem(at: "body.name", "a string") }
        try ModelName.validate(name)
        let document = try CreateDocument(body)
        try await registry.reserve(name)
        do {
            let model = try document.makeModel(limits: configuration.modelLimits)
            let state = ModelState(name: name, version: 1, model: model, document: document.json)
            try await registry.store.apply(.create(try state.stored))
            await registry.commit(ModelOwner(state, store: registry.store, events: registry.events))
            var response = HTTPResponse.json(ModelDescription.json(state), status: .created, version: state.version)
            response.headers.set("Location", "/v1/models/\(name)")
            return response
        } catch {
            await registry.release(name)
            throw error
        }
    }

    /// The `{model}` path value, checked against the naming rule (400 before any lookup).
    func modelName(_ request: HTTPRequest) throws(Problem) -> String {
        let name = request.parameter("model")
        try ModelName.validate(name)
        return name
    }

    /// The slot of the request's model: one look into the registry's table.
    func slot(_ request: HTTPRequest) async throws -> ModelOwner {
        try owner(request)
    }

    /// ``slot(_:)`` for code that may not wait (a deferred route on the event loop).
    func owner(_ request: HTTPRequest) throws -> ModelOwner {
        try registry.slot(named: try modelName(request))
    }

    /// The current state of the request's model.
    /// Records its size for the placement of later requests (``ModelSizeHints``).
    func currentState(_ request: HTTPRequest) async throws -> ModelState {
        let owner = try await slot(request)
        let state = try owner.state()
        sizes.record(state, of: owner)
        return state
    }
}

extension JSONValue {
    func wrongTypeProblem(at location: String, _ expected: String) -> Problem {
        .badRequest("\(location) must be \(expected), got \(kindName)", slug: "wrong-type", path: location)
    }
}
