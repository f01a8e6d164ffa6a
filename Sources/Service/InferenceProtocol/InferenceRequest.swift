import JSON
import NeuralNet

/// An inference request of the Open Inference Protocol, decoded and checked against a model's
/// ``InferenceSignature``: the one input as an FP32 tensor, ready for the forward pass.
///
/// The body is `{"id"?, "parameters"?, "inputs": [...], "outputs"?: [...]}`, optionally followed
/// by the binary part (``InferenceBodyFraming``). Members paramd has no use for (`model_name`,
/// which the kserve client adds; parameters other than the binary ones) are skipped, as servers
/// of the protocol do. Tensor `data` goes through the JSON reader's float path, flat or nested,
/// never a value tree per number.
struct InferenceRequest: ForwardInputs {
    /// The request's `id`, echoed in the response.
    var id: String?
    /// The input converted to FP32, with the request's shape.
    var inputs: Tensor
    /// Whether the output goes in the binary part: its own `parameters.binary_data`, else the
    /// request's `parameters.binary_data_output`, else false (JSON).
    var outputIsBinary: Bool

    var capture: [String] { [] }

    /// Decodes `body` with the value of its `Inference-Header-Content-Length` (nil when absent).
    /// - Throws: ``InferenceProtocolError``, `JSONError` for malformed JSON, `Problem` for a
    ///   tensor the forward pass cannot take (rank, empty dimensions, non-finite values).
    init(body: [UInt8], headerLength: String?, signature: InferenceSignature) throws {
        self = try body.withUnsafeBytes { bytes in try Self(body: bytes, headerLength: headerLength, signature: signature) }
    }

    /// Reads the body where the server put it (a pooled buffer for large bodies: `ReusableBody`),
    /// the JSON header in place, without keeping the bytes.
    init(body: UnsafeRawBufferPointer, headerLength: String?, signature: InferenceSignature) throws {
        let framing = try InferenceBodyFraming(bodyLength: body.count, headerValue: headerLength)
        var reader = try JSONReader(borrowing: UnsafeRawBufferPointer(rebasing: body[..<framing.jsonLength]))
        guard try reader.peekKind() == .object else {
            throw InferenceProtocolError.wrongType(path: "the request", expected: "a JSON object")
        }
        try reader.beginObject()
        var tensors: [InferenceTensorDescription]?
        var outputs: [OutputRequest] = []
        var binaryOutputs = false
        while let key = try reader.nextKey() {
            switch key {
            case "id":
                guard try reader.peekKind() == .string else { throw InferenceProtocolError.wrongType(path: "id", expected: "a string") }
                id = try reader.readString()
            case "parameters":
                let parameters = try Self.object(try reader.readValue(), at: "parameters")
                binaryOutputs = try Self.bool(parameters["binary_data_output"], at: "parameters.binary_data_output") ?? false
            case "inputs":
                tensors = try Self.readArray(&reader, at: "inputs") { reader, path in try InferenceTensorDescription(&reader, path: path) }
            case "outputs":
                outputs = try Self.readArray(&reader, at: "outputs") { reader, path in
                    try OutputRequest(try reader.readValue(), path: path)
                }
            default:
                try reader.skipValue()
            }
        }
        try reader.finish()
        guard let tensors else { throw InferenceProtocolError.missingMember(path: "inputs") }
        guard tensors.count == 1 else { throw InferenceProtocolError.inputCount(found: tensors.count) }

        var seen: Set<String> = []
        for output in outputs {
            guard output.name == InferenceSignature.outputName else { throw InferenceProtocolError.unknownOutput(name: output.name) }
            guard seen.insert(output.name).inserted else { throw InferenceProtocolError.duplicateOutput(name: output.name) }
        }
        outputIsBinary = outputs.first?.binary ?? binaryOutputs

        let input = tensors[0]
        let path = "inputs[0]"
        let (shape, datatype) = try input.check(signature: signature, path: path)
        let values: [Float]
        if input.binarySize != nil {
            guard framing.hasBinaryPart else { throw InferenceProtocolError.binaryWithoutHeaderLength(path: path) }
            values = try input.binaryValues(of: body, from: framing.jsonLength, shape: shape, datatype: datatype, path: path)
        } else {
            values = try input.jsonValues(shape: shape, datatype: datatype, path: path)
            let unclaimed = body.count - framing.jsonLength
            guard unclaimed == 0 else { throw InferenceProtocolError.binaryUnclaimed(bytes: unclaimed) }
        }
        // Both readers refuse non-finite values, so only the rank and empty sizes remain.
        inputs = try Tensor(shape: shape, scalars: values)
        try ForwardRequest.checkRank(inputs, name: "the input")
    }

    /// Reads a JSON array element by element; `path` names each (`inputs[0]`).
    private static func readArray<T>(
        _ reader: inout JSONReader, at path: String, _ element: (inout JSONReader, String) throws -> T
    ) throws -> [T] {
        guard try reader.peekKind() == .array else { throw InferenceProtocolError.wrongType(path: path, expected: "an array") }
        try reader.beginArray()
        var items: [T] = []
        while try reader.nextElement() {
            items.append(try element(&reader, "\(path)[\(items.count)]"))
        }
        return items
    }

    static func object(_ value: JSONValue, at path: String) throws(InferenceProtocolError) -> [String: JSONValue] {
        guard case .object(let members) = value else { throw .wrongType(path: path, expected: "an object") }
        return members
    }

    static func bool(_ value: JSONValue?, at path: String) throws(InferenceProtocolError) -> Bool? {
        guard let value else { return nil }
        guard case .bool(let flag) = value else { throw .wrongType(path: path, expected: "true or false") }
        return flag
    }

    static func string(_ value: JSONValue?, at path: String) throws(InferenceProtocolError) -> String {
        guard let value else { throw .missingMember(path: path) }
        guard case .string(let text) = value else { throw .wrongType(path: path, expected: "a string") }
        return text
    }
}

/// A requested output: `{"name", "parameters"?: {"binary_data"?}}`.
private struct OutputRequest {
    let name: String
    /// nil: the request-level default decides.
    let binary: Bool?

    init(_ value: JSONValue, path: String) throws(InferenceProtocolError) {
        let members = try InferenceRequest.object(value, at: path)
        name = try InferenceRequest.string(members["name"], at: "\(path).name")
        let parameters =
            try members["parameters"].map { value throws(InferenceProtocolError) in
                try InferenceRequest.object(value, at: "\(path).parameters")
            } ?? [:]
        if parameters["classification"] != nil { throw .unsupportedParameter(path: "\(path).parameters.classification") }
        binary = try InferenceRequest.bool(parameters["binary_data"], at: "\(path).parameters.binary_data")
    }
}
