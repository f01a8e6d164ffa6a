import HTTP
import JSON
import NeuralNet

/// What the routes that hand a model out as a file (a safetensors state dict, an ONNX model)
/// share: the attachment response and the refusal of a model that is not complete yet.
enum ModelFileExport {
    /// `application/octet-stream`, `Content-Disposition: attachment; filename="…"`, the ETag.
    /// Model names are `[A-Za-z0-9._-]`, so the filename needs no escaping.
    static func attachment(_ bytes: [UInt8], filename: String, version: Int) -> HTTPResponse {
        var response = HTTPResponse(status: .ok, contentType: MediaType.octetStream, body: bytes)
        response.headers.set("Content-Disposition", "attachment; filename=\"\(filename)\"")
        response.headers.set("ETag", EntityTag.header(version: version))
        return response
    }

    /// Runs `work`, turning "a layer has no values yet" into ``ModelError/notMaterialized(model:path:)``
    /// (a 409 that says how to fix it, not the 422 an edit of such a parameter gets).
    static func requiringMaterialized<T>(model name: String, _ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch NeuralNetError.notMaterialized(let path) {
            throw ModelError.notMaterialized(model: name, path: path)
        }
    }
}
