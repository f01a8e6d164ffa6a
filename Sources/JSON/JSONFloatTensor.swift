/// A rectangular array of Float32 numbers as JSON carries it: a flat row-major buffer plus
/// its shape.
///
/// `[[1, 2, 3], [4, 5, 6]]` is `shape == [2, 3]`, `values == [1, 2, 3, 4, 5, 6]`; a bare number
/// is a 0-d tensor (`shape == []`, one value); `[]` is `shape == [0]`.
public struct JSONFloatTensor: Sendable, Equatable {
    /// Size of each dimension, outermost first.
    public var shape: [Int]
    /// The elements in row-major order; `values.count` is the product of `shape`.
    public var values: [Float]

    /// Creates a tensor; the number of values must equal the product of the shape.
    public init(shape: [Int], values: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "tensor dimensions must not be negative")
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        self.shape = shape
        self.values = values
    }

    /// Parses a whole document that is a (nested) array of numbers, or one number.
    ///
    /// - Throws: ``JSONError``, e.g. `.raggedArray` naming the sub-array whose length differs,
    ///   `.elementOutOfRange` for `1e39`, `.trailingData` for anything after the array.
    public init(parsing bytes: [UInt8], limits: JSONLimits = JSONLimits()) throws(JSONError) {
        var reader = try JSONReader(bytes, limits: limits)
        self = try reader.readFloatTensor()
        try reader.finish()
    }

    /// Parses a tensor document in borrowed memory, without copying it.
    public init(parsing buffer: UnsafeRawBufferPointer, limits: JSONLimits = JSONLimits()) throws(JSONError) {
        guard buffer.count <= limits.maxBytes else {
            throw .documentTooLarge(size: buffer.count, limit: limits.maxBytes)
        }
        var scanner = JSONScanner(buffer.assumingMemoryBound(to: UInt8.self), position: 0)
        self = try scanner.scanFloatTensor(
            maxDepth: limits.maxDepth, depth: 0, maxElements: limits.maxTensorElements)
        try scanner.expectEndOfDocument()
    }
}
