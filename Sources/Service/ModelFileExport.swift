import HTTP
import JSON
import NeuralNet

/// What the routes that hand a model out as a file (a safetensors state dict, an ONNX model)
/// share: the attachment response and the refusal of a model that is not complete yet.
enum ModelFileExport {
    /// `application/octet-stream`, `Content-Disposition: attachment; filename="…"`, the ETag.
    /// Model names are `[A-Za-z0-9._-]`, so the filename needs no escaping.
    static func attachment(_ bytes: [UInt8], filename: String, version: Int) -> HTTPResponse {
        attachment(.bytes(bytes), filename: filename, version: version)
    }

    private static func attachment(_ body: HTTPResponseBody, filename: String, version: Int) -> HTTPResponse {
        var response = HTTPResponse(status: .ok, headers: ["Content-Type": MediaType.octetStream], body: body)
        response.headers.set("Content-Disposition", "attachment; filename=\"\(filename)\"")
        response.headers.set("ETag", EntityTag.header(version: version))
        return response
    }

    /// A safetensors file as an attachment. A large one is streamed, never assembled: its
    /// header (computed from the shapes alone) first, then each tensor in order, F32 data lent
    /// straight from the snapshot's storage (``StreamedBody/lend(_:to:)``), I64 buffers
    /// converted a tensor at a time; memory stays a chunk or two whatever the model's size.
    static func safeTensors(_ file: SafeTensorsFile, filename: String, version: Int) throws -> HTTPResponse {
        guard file.tensors.reduce(0, { $0 + $1.values.count }) >= StreamedBody.threshold else {
            return attachment(try file.encoded(), filename: filename, version: version)
        }
        let header = try file.encodedHeader()
        return attachment(
            .stream { writer in
                try await writer.write(header)
                for tensor in file.tensors {
                    if tensor.dtype == .i64 {
                        try await writer.write(tensor.values.map { Int64($0).littleEndian }.withUnsafeBytes { Array($0) })
                    } else {
                        try await StreamedBody.lend(tensor.values, to: writer)
                    }
                }
            }, filename: filename, version: version)
    }

    /// An ONNX model as an attachment, streamed from its pieces (``ONNXPiece``): the
    /// protobuf framing as bytes, the initializers' data lent from the snapshot's storage.
    static func onnx(_ pieces: [ONNXPiece], filename: String, version: Int) -> HTTPResponse {
        attachment(
            .stream { writer in
                for piece in pieces {
                    switch piece {
                    case .bytes(let bytes): try await writer.write(bytes)
                    case .floats(let values): try await StreamedBody.lend(values, to: writer)
                    }
                }
            }, filename: filename, version: version)
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
