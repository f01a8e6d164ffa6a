import HTTP
import JSON

extension HTTPResponse {
    /// A JSON response from a writer's bytes, with the model's ETag when given.
    static func json(_ bytes: [UInt8], status: HTTPStatus = .ok, version: Int? = nil) -> HTTPResponse {
        var response = HTTPResponse(status: status, contentType: MediaType.json, body: bytes)
        if let version { response.headers.set("ETag", EntityTag.header(version: version)) }
        return response
    }

    /// A JSON response for a small value tree.
    static func json(_ value: JSONValue, status: HTTPStatus = .ok, version: Int? = nil) -> HTTPResponse {
        json(value.jsonBytes, status: status, version: version)
    }

    /// Raw little-endian float32 with the shape in `Tensor-Shape`.
    static func raw(_ values: [Float], shape: [Int], version: Int? = nil) -> HTTPResponse {
        var bytes = [UInt8](repeating: 0, count: values.count * 4)
        bytes.withUnsafeMutableBytes { target in
            values.withUnsafeBytes { source in target.copyMemory(from: source) }
        }
        var response = HTTPResponse(status: .ok, contentType: MediaType.octetStream, body: bytes)
        response.headers.set("Tensor-Shape", TensorShapeHeader.format(shape))
        if let version { response.headers.set("ETag", EntityTag.header(version: version)) }
        return response
    }

    /// The problem+json response for `problem` about a request to `instance`.
    static func problem(_ problem: Problem, instance: String) -> HTTPResponse {
        var response = HTTPResponse(
            status: HTTPStatus(code: problem.status), contentType: MediaType.problem,
            body: problem.document(instance: instance).jsonBytes)
        for header in problem.headers { response.headers.set(header.name, header.value) }
        return response
    }
}
