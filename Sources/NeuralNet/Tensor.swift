/// A dense row-major Float32 tensor: a shape and its scalars.
///
/// A value with copy-on-write storage: copying is O(1), and the first write to a shared copy
/// duplicates only this tensor, so a model snapshot that shares tensors with its successor
/// never sees the successor's writes.
public struct Tensor: Sendable, Equatable {
    /// The size of each dimension; `[]` is a scalar.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count` is the product of `shape`.
    public private(set) var scalars: [Float]

    /// A tensor of the given shape and elements.
    /// - Throws: `NeuralNetError.invalidArgument` when a dimension is negative or the count
    ///   of scalars differs from the product of the shape.
    public init(shape: [Int], scalars: [Float]) throws {
        guard let count = Tensor.elementCount(shape) else {
            throw NeuralNetError.invalidArgument(
                location: "tensor shape", reason: "\(formatShape(shape)) must have non-negative dimensions whose product fits in memory")
        }
        guard count == scalars.count else {
            throw NeuralNetError.invalidArgument(
                location: "tensor", reason: "of shape \(formatShape(shape)) needs \(count) values, got \(scalars.count)")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor whose shape the caller has already checked against `scalars`.
    init(validShape shape: [Int], scalars: [Float]) {
        precondition(Tensor.elementCount(shape) == scalars.count, "shape \(shape) does not hold \(scalars.count) scalars")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` with every element `value`.
    /// - Precondition: the shape's dimensions are non-negative.
    public init(shape: [Int], repeating value: Float) {
        let count = Tensor.elementCount(shape)
        precondition(count != nil, "invalid shape \(shape)")
        self.init(validShape: shape, scalars: [Float](repeating: value, count: count!))
    }

    /// A tensor of `shape` filled with zeros.
    public init(zeros shape: [Int]) { self.init(shape: shape, repeating: 0) }

    /// The number of elements.
    public var count: Int { scalars.count }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// True when no element is NaN or infinite. O(n), stops at the first offender.
    public var allFinite: Bool { scalars.allSatisfy(\.isFinite) }

    /// The element count of `shape`, or nil when a dimension is negative or the product overflows.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow else { return nil }
            n = p
        }
        return n
    }

    /// The same scalars viewed with another shape of equal element count.
    func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(validShape: newShape, scalars: scalars)
    }

    /// Mutable access to the elements in row-major order.
    mutating func withUnsafeMutableScalars<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Whether no other value shares this tensor's storage (a write would not copy it).
    mutating func hasUniqueStorage() -> Bool { scalars.hasUniqueStorage() }

    /// Read access to the elements in row-major order.
    func withUnsafeScalars<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer { try body($0) }
    }

    /// Replaces every element, keeping the shape. - Precondition: same count.
    mutating func setScalars(_ values: [Float]) {
        precondition(values.count == scalars.count)
        scalars = values
    }
}
