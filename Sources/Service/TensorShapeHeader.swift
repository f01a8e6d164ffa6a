import JSON

/// The `Tensor-Shape` header of raw float32 bodies: dimensions joined by commas (`2,4`), the
/// empty string for a scalar.
enum TensorShapeHeader {
    static func format(_ shape: [Int]) -> String {
        shape.map(String.init).joined(separator: ",")
    }

    /// Parses the header; at most 8 dimensions of at most 9 digits each, as api/openapi.yaml says.
    /// - Throws: 400 naming the header.
    static func parse(_ value: String) throws(Problem) -> [Int] {
        let text = value.trimmingSpaces
        if text.isEmpty { return [] }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= 8 else {
            throw Problem.badRequest("Tensor-Shape has more than 8 dimensions: \(value.debugDescription)", slug: "invalid-tensor-shape")
        }
        var shape: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 9, part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let dimension = Int(part) else {
                throw Problem.badRequest(
                    "Tensor-Shape must be dimensions joined by commas such as 2,4; got \(value.debugDescription)",
                    slug: "invalid-tensor-shape")
            }
            shape.append(dimension)
        }
        return shape
    }

    /// Reads little-endian float32 values from a raw body.
    /// - Throws: 422 when the byte count is not a whole number of floats or does not match `shape`.
    static func floats(from body: UnsafeRawBufferPointer, shape: [Int]?) throws(Problem) -> [Float] {
        try checkByteCount(body.count, shape: shape)
        // The wire is little-endian; so is every platform Swift on Linux runs on here.
        return FloatArrayPool.shared.floats(copying: body)
    }

    /// Checks that a raw float32 body of `byteCount` bytes holds whole floats, as many as `shape` needs.
    /// - Throws: 422 when the byte count is not a whole number of floats or does not match `shape`.
    static func checkByteCount(_ byteCount: Int, shape: [Int]?) throws(Problem) {
        guard byteCount % 4 == 0 else {
            throw Problem.unprocessable(
                "a raw float32 body must be a multiple of 4 bytes long, got \(byteCount)", slug: "raw-length")
        }
        let count = byteCount / 4
        if let shape {
            // Overflow-safe: a hostile header may multiply past Int.max, and the byte count past it again.
            var expected: Int? = 1
            for dimension in shape {
                guard let current = expected else { break }
                let (product, overflow) = current.multipliedReportingOverflow(by: dimension)
                expected = overflow ? nil : product
            }
            guard expected == count else {
                let need =
                    expected.map { n in
                        let (bytes, overflow) = n.multipliedReportingOverflow(by: 4)
                        return overflow ? "\(n) float32 values" : "\(n) float32 values (\(bytes) bytes)"
                    } ?? "too many float32 values to count (the product of its dimensions overflows 64 bits)"
                throw Problem.unprocessable(
                    "Tensor-Shape \(format(shape)) needs \(need), the body has \(count)",
                    slug: "raw-length", actual: shape)
            }
        }
    }
}
