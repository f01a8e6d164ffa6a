import HTTP
import JSON
import NeuralNet

/// What the routes that hand a model out as a file (a safetensors state dict, an ONNX model)
/// share: the attachment response and the 409 for a model that is not complete yet.
enum ModelFileExport {
    /// `application/octet-stream`, `Content-Disposition: attachment; filename="…"`, the ETag.
    /// Model names are `[A-Za-z0-9._-]`, so the filename needs no escaping.
    static func attachment(_ bytes: [UInt8], filename: String, version: Int) -> HTTPResponse {
        var response = HTTPResponse(status: .ok, contentType: MediaType.octetStream, body: bytes)
        response.headers.set("Content-Disposition", "attachment; filename=\"\(filename)\"")
        response.headers.set("ETag", EntityTag.header(version: version))
        return response
    }

    /// Runs `work`, turning "a layer has no values yet" into a 409 that says how to fix it.
    static func requiringMaterialized<T>(model name: String, _ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch NeuralNetError.notMaterialized(let path) {
            throw Problem(
                status: 409, slug: "not-materialized", title: "Conflict",
                detail: "parameter \(path) has no value yet: its layer does not know its input width. "
                    + "Run one forward pass (POST /v1/models/\(name)/forward) or create the model with input_shape, then ask again",
                extensions: ["path": .string(path)])
        }
    }
}
