/// The `Tensor-DType` header of raw forward bodies: `float32` (the default), or `int64` /
/// `int32` for integer inputs such as an embedding's token ids, little-endian.
enum TensorDTypeHeader: String {
    case float32, int64, int32

    /// Bytes per element.
    var size: Int { self == .int64 ? 8 : 4 }

    /// Parses the header; absent means float32.
    /// - Throws: 400 naming the header.
    static func parse(_ value: String?) throws(Problem) -> TensorDTypeHeader {
        guard let value else { return .float32 }
        guard let dtype = TensorDTypeHeader(rawValue: value.trimmingSpaces.lowercased()) else {
            throw Problem.badRequest(
                "Tensor-DType must be float32, int64 or int32; got \(value.debugDescription)", slug: "invalid-tensor-dtype")
        }
        return dtype
    }

    /// Reads little-endian integers from a raw body of `shape` as Float32 values (exact up to
    /// 2^24, the largest index an embedding takes).
    /// - Throws: 422 when the byte count does not match `shape` or a value is beyond ±2^24.
    func integers(from raw: UnsafeRawBufferPointer, shape: [Int]) throws(Problem) -> [Float] {
        var expected: Int? = size
        for dimension in shape {
            guard let current = expected else { break }
            let (product, overflow) = current.multipliedReportingOverflow(by: dimension)
            expected = overflow ? nil : product
        }
        guard expected == raw.count else {
            throw Problem.unprocessable(
                "Tensor-Shape \(TensorShapeHeader.format(shape)) of \(rawValue) values needs \(expected.map { "\($0) bytes" } ?? "more bytes than can be counted"), the body has \(raw.count)",
                slug: "raw-length", actual: shape)
        }
        let count = raw.count / size
        var values = [Float](repeating: 0, count: count)
        var bad: (Int, Int64)?
        for i in 0..<count {
            let v: Int64 =
                self == .int64
                ? Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
                : Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)))
            if abs(v) > 1 << 24 {
                if bad == nil { bad = (i, v) }
                continue
            }
            values[i] = Float(v)
        }
        if let (index, value) = bad {
            throw Problem.unprocessable(
                "the \(rawValue) input holds \(value) at flat index \(index), beyond the ±2^24 indices paramd takes",
                slug: "value-out-of-range")
        }
        return values
    }
}
