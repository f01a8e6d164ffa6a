import CKernels

/// Row-wise softmax of a `rows`×`columns` matrix, max-subtracted for stability. `x` may alias `y`.
/// - Complexity: O(rows·columns); the row sum runs in 8 lanes, so compare with a tolerance.
public func softmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
    softmaxRows(x, y, rows: rows, columns: columns, isa: .detected)
}

func softmaxRows(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int, isa: InstructionSet
) {
    precondition(rows >= 0 && columns >= 0, "softmaxRows: negative shape \(rows)×\(columns)")
    ck_softmax_rows(isa.cValue, x, y, rows, columns)
}

/// Row-wise log-softmax: `y = x - max - log Σ exp(x - max)`. `x` may alias `y`.
/// - Complexity: O(rows·columns).
public func logSoftmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
    logSoftmaxRows(x, y, rows: rows, columns: columns, isa: .detected)
}

func logSoftmaxRows(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int, isa: InstructionSet
) {
    precondition(rows >= 0 && columns >= 0, "logSoftmaxRows: negative shape \(rows)×\(columns)")
    ck_log_softmax_rows(isa.cValue, x, y, rows, columns)
}

/// Backward of row-wise softmax given its output `y`: `dx = y ⊙ (dy − Σ_j dy·y)`. `dx` may alias `dy`.
/// - Complexity: O(rows·columns).
public func softmaxRowsBackward(y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, rows: Int, columns: Int)
{
    softmaxRowsBackward(y: y, dy: dy, dx: dx, rows: rows, columns: columns, isa: .detected)
}

func softmaxRowsBackward(
    y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
    isa: InstructionSet
) {
    precondition(rows >= 0 && columns >= 0, "softmaxRowsBackward: negative shape \(rows)×\(columns)")
    ck_softmax_rows_backward(isa.cValue, y, dy, dx, rows, columns)
}
