import HTTP
import JSON
import NeuralNet

extension ParamdService {
    /// GET and PUT /v1/models/{model}/state-dict: every parameter and buffer as one safetensors
    /// file, the format of PyTorch's `safetensors.torch.save_file(net.state_dict())`
    /// (`num_batches_tracked` as I64, the rest F32).
    func addStateDictRoutes(to router: inout Router) {
        let copying = byModelSize { _, size in Placement.copyingCost(bytes: size.parameters * 4) }
        handle(&router, .get, "/v1/models/{model}/state-dict", placement: copying) { request in
            let state = try await self.currentState(request)
            let file = try ModelFileExport.requiringMaterialized(model: state.name) { try Self.stateDictFile(state.model) }
            return try ModelFileExport.safeTensors(file, filename: "\(state.name).safetensors", version: state.version)
        }

        handle(&router, .put, "/v1/models/{model}/state-dict") { request in
            let slot = try await self.slot(request)
            let condition = EntityTag.condition(ifMatch: request.headers["If-Match"])
            let strict = try Self.booleanQuery(request, "strict") ?? true
            guard MediaType.essence(of: request.headers["Content-Type"]) == MediaType.octetStream else {
                throw Problem.unsupportedMediaType(request.headers["Content-Type"], accepted: [MediaType.octetStream])
            }
            let snapshot = try slot.state()
            _ = try ModelFileExport.requiringMaterialized(model: slot.name) { try snapshot.model.stateDict() }
            // Decode before queueing for the commit: a big body should not delay other writes.
            let upload = try StateDictUpload(body: request.body, model: snapshot.model)
            let (state, load) = try await slot.modify(condition: condition) { state -> ModelOwner.Change<StateDictLoad> in
                var model = state.model
                // A strict mismatch throws StateDictMismatchError: a 422 listing every offending key.
                let load = try ModelFileExport.requiringMaterialized(model: state.name) {
                    try model.loadStateDict(upload.tensors, unexpectedKeys: upload.unexpectedKeys, strict: strict)
                }
                return load.loadedKeys.isEmpty ? .none(load) : .durable(model, load)
            }
            return .json(Self.loadReport(load, version: state.version), version: state.version)
        }
    }

    /// What GET /state-dict sends: every state-dict entry (F32, I64 counters) and the metadata
    /// that lets paramd or PyTorch rebuild the model.
    static func stateDictFile(_ model: Model) throws -> SafeTensorsFile {
        var metadata = ["format": "pt", "spec": model.specJSON.jsonString]
        if let shape = model.inputShape {
            metadata["input_shape"] = JSONValue.array(shape.map { .number(Double($0)) }).jsonString
        }
        return SafeTensorsFile(
            tensors: try model.stateDict().map {
                let dtype: SafeTensorsDType = model.stateDictDType($0.key) == .int64 ? .i64 : .f32
                return SafeTensorsEntry(name: $0.key, shape: $0.value.shape, values: $0.value.scalars, dtype: dtype)
            },
            metadata: metadata)
    }

    /// `{"version", "missing_keys", "unexpected_keys", "mismatched"}`.
    private static func loadReport(_ load: StateDictLoad, version: Int) -> JSONValue {
        var members = load.reportMembers
        members["version"] = .number(Double(version))
        return .object(members)
    }
}
