/// The contract's tensors are untagged unions of nested arrays (`anyOf` scalar, vector,
/// matrix, rank 3, rank 4), which the generator turns into a struct with one optional per
/// rank. These spell the common cases and read the numbers back whatever the rank.
extension Components.Schemas.TensorValue {
    public static func scalar(_ value: Double) -> Self { .init(value1: value) }
    public static func vector(_ values: [Double]) -> Self { .init(value2: values) }
    public static func matrix(_ rows: [[Double]]) -> Self { .init(value3: rows) }

    /// Every number in row-major order (the lowest rank that decoded wins: `[]` is a vector).
    public var scalars: [Double] {
        flattened(value1, value2, value3, value4, value5)
    }
}

extension Components.Schemas.Gradient {
    /// Every number of the gradient in row-major order.
    public var scalars: [Double] {
        flattened(value1, value2, value3, value4, value5)
    }
}

extension Components.Schemas.Batch {
    /// A batch of rows, `[batch, features]`.
    public static func rows(_ rows: [[Double]]) -> Self { .init(value1: rows) }
}

private func flattened(
    _ scalar: Double?, _ vector: [Double]?, _ matrix: [[Double]]?, _ rank3: [[[Double]]]?, _ rank4: [[[[Double]]]]?
) -> [Double] {
    if let scalar { return [scalar] }
    if let vector { return vector }
    if let matrix { return matrix.flatMap { $0 } }
    if let rank3 { return rank3.flatMap { $0.flatMap { $0 } } }
    return rank4?.flatMap { $0.flatMap { $0.flatMap { $0 } } } ?? []
}
