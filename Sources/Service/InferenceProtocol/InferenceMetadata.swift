import JSON

/// The metadata documents of the Open Inference Protocol.
enum InferenceMetadata {
    /// The server's name in `GET /v2`.
    static let serverName = "paramd"
    /// The server's version in `GET /v2`: the API's, `info.version` of api/openapi.yaml.
    static let serverVersion = "1.0.0"
    /// The protocol extensions paramd implements.
    static let extensions = ["binary_tensor_data"]
    /// The model platform: paramd's own runtime, as Triton names its backends.
    static let platform = "paramd"

    /// `GET /v2`: `{"name", "version", "extensions"}`.
    static var server: JSONValue {
        .object([
            "name": .string(serverName), "version": .string(serverVersion),
            "extensions": .array(extensions.map(JSONValue.string))
        ])
    }

    /// `GET /v2/models/{model}`: `{"name", "versions", "platform", "inputs", "outputs"}`, with
    /// the current version as the only one served.
    static func model(name: String, version: Int, signature: InferenceSignature) -> JSONValue {
        func tensor(_ name: String, _ shape: [Int], _ datatype: InferenceDatatype = .fp32) -> JSONValue {
            .object([
                "name": .string(name), "datatype": .string(datatype.rawValue),
                "shape": .array(shape.map { .number(Double($0)) })
            ])
        }
        return .object([
            "name": .string(name), "versions": .array([.string(String(version))]), "platform": .string(platform),
            "inputs": .array([tensor(InferenceSignature.inputName, signature.inputShape, signature.inputDatatype)]),
            "outputs": .array([tensor(InferenceSignature.outputName, signature.outputShape)])
        ])
    }
}
