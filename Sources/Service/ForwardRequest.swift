import HTTP
import JSON
import NeuralNet

/// A parsed forward (or backward, or train) input batch.
struct ForwardRequest: ForwardInputs {
    var inputs: Tensor
    var capture: [String] = []
    var mode: RunMode = .eval

    /// Reads `{"inputs": nested, "capture"?: [paths], "mode"?: "eval" | "train"}` or a raw
    /// body: float32 (`Tensor-Shape`, else `[bytes / 4 / width, width]` with the model's input
    /// width), or int64/int32 indices with `Tensor-DType` and `Tensor-Shape`. JSON integers
    /// are indices as they are. The tensor is decoded by the JSON reader's float path straight
    /// into one buffer: no value tree per number.
    init(_ request: HTTPRequest, model: Model) throws {
        // A malformed Tensor-Shape is refused even with a JSON body, where it has no use.
        if let header = request.headers["Tensor-Shape"] { _ = try TensorShapeHeader.parse(header) }
        let dtype = try TensorDTypeHeader.parse(request.headers["Tensor-DType"])
        let kind = try request.bodyKind(allowsRaw: true)
        self = try request.withBodyBytes { body in
            try Self(body: body, kind: kind, dtype: dtype, headers: request.headers, model: model)
        }
    }

    /// Reads the body's bytes, wherever the server put them (a pooled buffer for large bodies:
    /// `ReusableBody`), without keeping them.
    private init(body: UnsafeRawBufferPointer, kind: RequestBodyKind, dtype: TensorDTypeHeader, headers: HTTPHeaders, model: Model) throws {
        switch kind {
        case .raw where dtype != .float32:
            guard let header = headers["Tensor-Shape"] else {
                throw Problem.unprocessable("a raw \(dtype.rawValue) body needs its shape in Tensor-Shape", slug: "shape-required")
            }
            let shape = try TensorShapeHeader.parse(header)
            inputs = try Tensor(shape: shape, scalars: try dtype.integers(from: body, shape: shape))
        case .raw:
            let shape: [Int]
            if let header = headers["Tensor-Shape"] {
                shape = try TensorShapeHeader.parse(header)
            } else {
                guard let width = Self.inputWidth(model) else {
                    throw Problem.unprocessable(
                        "this model's input width is not known yet; send the shape in Tensor-Shape", slug: "shape-required")
                }
                guard body.count % (4 * width) == 0 else {
                    throw Problem.unprocessable(
                        "a raw body of \(body.count) bytes is not a whole number of rows of \(width) float32 values; send Tensor-Shape",
                        slug: "raw-length")
                }
                shape = [body.count / (4 * width), width]
            }
            let values = try TensorShapeHeader.floats(from: body, shape: shape)
            try ParameterBody.requireFinite(values, what: "the input")
            inputs = try Tensor(shape: shape, scalars: values)
        case .json:
            var reader = try JSONReader(borrowing: body)
            guard try reader.peekKind() == .object else { throw reader.unexpectedValue(.object) }
            try reader.beginObject()
            var inputs: JSONFloatTensor?
            while let key = try reader.nextKey() {
                switch key {
                case "inputs":
                    inputs = try reader.readFloatTensor()
                case "capture":
                    capture = try Self.capturePaths(try reader.readValue())
                case "mode":
                    mode = try Self.mode(try reader.readValue())
                default:
                    throw Problem.badRequest(
                        "body has an unknown member \(key.debugDescription); allowed: capture, inputs, mode", slug: "unknown-member",
                        path: "body.\(key)")
                }
            }
            try reader.finish()
            guard let inputs else {
                throw Problem.badRequest("body needs the member \"inputs\"", slug: "missing-member", path: "body.inputs")
            }
            self.inputs = try Tensor(shape: inputs.shape, scalars: inputs.values)
        }
        try Self.checkRank(self.inputs, name: "inputs")
    }

    /// A rough CPU cost of parsing and computing this request, for ``Placement``.
    static func estimatedCost(of request: HTTPRequest, size: ModelSizeHints.Size) -> Duration {
        let isRaw = MediaType.essence(of: request.headers["Content-Type"]) == MediaType.octetStream
        let bytes = request.bodyByteCount
        return estimatedCost(jsonBytes: isRaw ? 0 : bytes, rawBytes: isRaw ? bytes : 0, size: size)
    }

    /// A rough CPU cost of a forward request of `jsonBytes` of JSON and `rawBytes` of raw
    /// float32: decimal JSON ~3 ns a byte, raw float32 a copy, plus the multiply-adds of a
    /// batch as wide as the bytes suggest (``passCost(rows:parameters:)``).
    static func estimatedCost(jsonBytes: Int, rawBytes: Int, size: ModelSizeHints.Size) -> Duration {
        let values = rawBytes / 4 + jsonBytes / 8
        let rows = values / max(1, size.inputWidth ?? 1) + 1
        return .nanoseconds(rawBytes / 2 + jsonBytes * 3) + passCost(rows: rows, parameters: size.parameters)
    }

    /// The multiply-adds of a pass of `rows` rows over `parameters` weights, ~0.04 ns each: the
    /// dot-product kernels of small batches take 0.02-0.025 ns a multiply-add on a quiet core
    /// (AVX-512 and AVX2 builds), about twice that on a core shared with other work.
    static func passCost(rows: Int, parameters: Int) -> Duration {
        let (macs, overflow) = rows.multipliedReportingOverflow(by: parameters)
        return overflow ? Placement.unknown : .nanoseconds(macs / 25)
    }

    /// Batches are `[batch, features…]` with at most four dimensions, as the contract says, and
    /// no dimension of size 0.
    static func checkRank(_ tensor: Tensor, name: String) throws(Problem) {
        guard (2...4).contains(tensor.rank) else {
            throw Problem.unprocessable(
                "\(name) must be a batch of rank 2 to 4 ([batch, features...]), got shape \(tensor.shape)",
                slug: "incompatible-input", actual: tensor.shape)
        }
        // An empty batch or a sample without features has nothing to compute (and would give a
        // deferred layer a width of 0).
        guard !tensor.shape.contains(0) else {
            throw Problem.unprocessable(
                "\(name) must have at least one row and one feature, got shape \(tensor.shape)",
                slug: "incompatible-input", actual: tensor.shape)
        }
    }

    /// `"eval"` (as after `net.eval()`, the default) or `"train"`.
    static func mode(_ value: JSONValue) throws(Problem) -> RunMode {
        guard case .string(let text) = value, let mode = RunMode(rawValue: text) else {
            throw value.wrongTypeProblem(at: "body.mode", "\"eval\" or \"train\"")
        }
        return mode
    }

    static func capturePaths(_ value: JSONValue) throws(Problem) -> [String] {
        guard case .array(let items) = value, items.count <= 64 else {
            throw value.wrongTypeProblem(at: "body.capture", "an array of at most 64 module paths")
        }
        return try items.enumerated().map { index, item throws(Problem) in
            guard case .string(let path) = item, path.utf8.count <= 1024 else {
                throw item.wrongTypeProblem(at: "body.capture[\(index)]", "a module path string")
            }
            return path
        }
    }

    /// The model's input width when known: the first layer with parameters's input width
    /// (a linear layer's `in`, after any flatten), or the recorded input shape.
    static func inputWidth(_ model: Model) -> Int? {
        if let shape = model.inputShape { return shape.reduce(1, *) }
        return model.firstWeightedLayerWidth
    }
}
