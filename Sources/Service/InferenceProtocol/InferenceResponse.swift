import HTTP
import JSON
import NeuralNet

/// The answer to an inference request: `{"model_name", "model_version", "id"?, "outputs"}` as
/// JSON, or, when the output is asked for in binary, that JSON with the output's
/// `parameters.binary_data_size` in place of `data`, followed by the output's little-endian
/// FP32 bytes (`Content-Type: application/octet-stream`, `Inference-Header-Content-Length` the
/// JSON part's length), as Triton answers.
enum InferenceResponse {
    static func make(model: String, version: Int, id: String?, output: Tensor, binary: Bool) -> HTTPResponse {
        let byteCount = output.count * MemoryLayout<Float>.size
        var writer = JSONWriter(reservingCapacity: 160 + (binary ? 0 : output.count * 12))
        writer.beginObject()
        writer.key("model_name")
        writer.write(string: model)
        writer.key("model_version")
        writer.write(string: String(version))
        if let id {
            writer.key("id")
            writer.write(string: id)
        }
        writer.key("outputs")
        writer.beginArray()
        writer.beginObject()
        writer.key("name")
        writer.write(string: InferenceSignature.outputName)
        writer.key("datatype")
        writer.write(string: InferenceDatatype.fp32.rawValue)
        writer.key("shape")
        writer.beginArray()
        for dimension in output.shape { writer.write(number: Double(dimension)) }
        writer.endArray()
        if binary {
            writer.key("parameters")
            writer.beginObject()
            writer.key("binary_data_size")
            writer.write(number: Double(byteCount))
            writer.endObject()
        } else {
            writer.key("data")
            writer.write(tensor: output.scalars, shape: [output.count])
        }
        writer.endObject()
        writer.endArray()
        writer.endObject()
        guard binary else { return HTTPResponse(status: .ok, contentType: MediaType.json, body: writer.bytes) }

        let headerLength = writer.bytes.count
        var body = writer.bytes
        body.reserveCapacity(headerLength + byteCount)
        output.scalars.withUnsafeBytes { body.append(contentsOf: $0) }
        var response = HTTPResponse(status: .ok, contentType: MediaType.octetStream, body: body)
        response.headers.set(InferenceBodyFraming.headerName, String(headerLength))
        return response
    }
}
