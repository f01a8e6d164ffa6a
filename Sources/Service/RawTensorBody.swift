import HTTP

/// A raw float32 request body read straight into the storage of the tensor it becomes
/// (``HTTPBodyPlan/into(_:)``): the socket's bytes land in the array the model then keeps, so a
/// 64 MB PUT is copied once, not three times (socket → buffer → body → tensor).
final class RawTensorBody: HTTPBodyDestination, @unchecked Sendable {
    // Unchecked: the server fills it on one event loop before the handler runs; the handler
    // then takes the array out once.
    private var scalars: [Float]

    /// Storage for `count` floats, left uninitialized: the server writes every byte of it
    /// before the request reaches the handler.
    init(count: Int) {
        scalars = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    var byteCount: Int { scalars.count * MemoryLayout<Float>.size }

    func withUnsafeMutableBytes<Result>(_ body: (UnsafeMutableRawBufferPointer) -> Result) -> Result {
        scalars.withUnsafeMutableBytes(body)
    }

    /// The floats, leaving this empty, so the array is not shared and the tensor that keeps it
    /// never copies it.
    func take() -> [Float] {
        let taken = scalars
        scalars = []
        return taken
    }

    /// The plan of a raw (`application/octet-stream`) PUT: read into a ``RawTensorBody`` of the
    /// Content-Length's floats, after the length was checked against `Tensor-Shape` when there is
    /// one (422 before any byte of the body is read or allocated); JSON bodies are buffered.
    static func plan(_ request: HTTPRequest) -> HTTPBodyPlan {
        guard case .length(let length) = request.head.framing, (try? request.bodyKind(allowsRaw: true)) == .raw else {
            return .buffered
        }
        do throws(Problem) {
            var shape: [Int]?
            if let header = request.headers["Tensor-Shape"] { shape = try TensorShapeHeader.parse(header) }
            try TensorShapeHeader.checkByteCount(length, shape: shape)
        } catch {
            var refusal = HTTPResponse.problem(error, instance: request.path)
            refusal.route = request.route
            return .refuse(refusal)
        }
        return .into(RawTensorBody(count: length / MemoryLayout<Float>.size))
    }
}
