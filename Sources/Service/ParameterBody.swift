import HTTP
import JSON
import Kernels
import NeuralNet

/// Reading and writing parameter tensors in request and response bodies.
enum ParameterBody {
    /// `{"name", "shape", "dtype", "aliases", "value", "grad"}` for one parameter (or a slice).
    static func json(_ parameter: NamedParameter, slice: TensorSlice?, path: String) throws -> [UInt8] {
        var value = parameter.value
        var gradient = parameter.gradient
        if let slice {
            value = try value.sliced(slice, path: path)
            gradient = try gradient?.sliced(slice, path: path)
        }
        var writer = JSONWriter(reservingCapacity: 64 + value.count * 12 * (gradient == nil ? 1 : 2))
        writer.beginObject()
        writeHeader(parameter, shape: value.shape, into: &writer)
        writer.key("value")
        writeValues(value, dtype: parameter.dtype, into: &writer)
        writer.key("grad")
        if let gradient {
            writer.write(tensor: gradient.scalars, shape: gradient.shape)
        } else {
            writer.writeNull()
        }
        writer.endObject()
        return writer.bytes
    }

    /// The whole parameter as JSON: built at once, or streamed when it is large.
    static func response(_ parameter: NamedParameter, version: Int) throws -> HTTPResponse {
        if parameter.value.count >= StreamedBody.threshold { return streamed(parameter, version: version) }
        return .json(try json(parameter, slice: nil, path: parameter.path), version: version)
    }

    /// ``json(_:slice:path:)`` of a whole parameter, streamed a chunk at a time (``StreamedBody``).
    static func streamed(_ parameter: NamedParameter, version: Int) -> HTTPResponse {
        StreamedBody.json(version: version) { stream in
            stream.writer.beginObject()
            writeHeader(parameter, shape: parameter.shape, into: &stream.writer)
            stream.writer.key("value")
            try await stream.write(tensor: parameter.value.scalars, shape: parameter.shape)
            stream.writer.key("grad")
            if let gradient = parameter.gradient {
                try await stream.write(tensor: gradient.scalars, shape: gradient.shape)
            } else {
                stream.writer.writeNull()
            }
            stream.writer.endObject()
        }
    }

    /// A tensor's values, nested by its shape: integers for an int64 buffer (a step counter).
    static func writeValues(_ value: Tensor, dtype: TensorDType, into writer: inout JSONWriter) {
        guard dtype == .int64 else {
            writer.write(tensor: value.scalars, shape: value.shape)
            return
        }
        func nested(_ offset: Int, _ dimensions: ArraySlice<Int>) -> JSONValue {
            guard let first = dimensions.first else { return .number(Double(value.scalars[offset])) }
            let stride = dimensions.dropFirst().reduce(1, *)
            return .array((0..<first).map { nested(offset + $0 * stride, dimensions.dropFirst()) })
        }
        writer.write(nested(0, value.shape[...]))
    }

    /// The members every listing has: name, shape, dtype, aliases.
    static func writeHeader(_ parameter: NamedParameter, shape: [Int], into writer: inout JSONWriter) {
        writer.key("name")
        writer.write(string: parameter.path)
        writer.key("shape")
        writer.beginArray()
        for dimension in shape { writer.write(number: Double(dimension)) }
        writer.endArray()
        writer.key("dtype")
        writer.write(string: parameter.dtype.rawValue)
        writer.key("aliases")
        writer.beginArray()
        for alias in parameter.aliases { writer.write(string: alias) }
        writer.endArray()
    }

    /// The new value of a PUT: `{"value": nested}` or raw float32 (shape from `Tensor-Shape`,
    /// else the parameter's own shape), read in place when the server did so (``RawTensorBody``).
    static func replacement(_ request: HTTPRequest, currentShape: [Int]) throws -> Tensor {
        switch try request.bodyKind(allowsRaw: true) {
        case .raw:
            let shape = try request.headers["Tensor-Shape"].map(TensorShapeHeader.parse) ?? currentShape
            let values: [Float]
            if let received = request.bodyDestination as? RawTensorBody {
                try TensorShapeHeader.checkByteCount(received.byteCount, shape: shape)
                values = received.take()
            } else {
                values = try request.withBodyBytes { body throws(Problem) in try TensorShapeHeader.floats(from: body, shape: shape) }
            }
            try requireFinite(values, what: "the value")
            return try Tensor(shape: shape, scalars: values)
        case .json:
            var reader = try JSONReader(request.body)
            guard try reader.peekKind() == .object else { throw reader.unexpectedValue(.object) }
            try reader.beginObject()
            var value: JSONFloatTensor?
            while let key = try reader.nextKey() {
                guard key == "value" else {
                    throw Problem.badRequest(
                        "body has an unknown member \(key.debugDescription); allowed: value", slug: "unknown-member", path: "body.\(key)")
                }
                value = try reader.readFloatTensor()
            }
            try reader.finish()
            guard let value else {
                throw Problem.badRequest("body needs the member \"value\"", slug: "missing-member", path: "body.value")
            }
            return try Tensor(shape: value.shape, scalars: value.values)
        }
    }

    /// 422 when a value holds NaN or an infinity: paramd never stores one.
    static func requireFinite(_ values: [Float], what: String) throws(Problem) {
        if let index = firstNonFinite(values) {
            throw Problem.unprocessable(
                "\(what) is not finite at flat index \(index) (\(values[index])); paramd stores and returns finite numbers only",
                slug: "non-finite")
        }
    }
}
