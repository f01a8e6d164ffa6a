import CKernels

/// Adds `bias[j]` to every row of the row-major `rows`×`columns` matrix `y`.
/// - Complexity: O(rows·columns).
public func addBias(_ bias: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
    addBias(bias, to: y, rows: rows, columns: columns, isa: .detected)
}

func addBias(
    _ bias: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, rows: Int, columns: Int, isa: InstructionSet
) {
    precondition(rows >= 0 && columns >= 0, "addBias: negative shape \(rows)×\(columns)")
    ck_add_bias(isa.cValue, bias, y, rows, columns)
}

/// A linear layer's epilogue in one pass: `z[i, j] += bias[j]`, then `output = f(z)`.
///
/// `z` keeps the pre-activation (what `activationBackward` needs as `x`); `output` may be `z`
/// itself when the pre-activation is not needed (inference). Row by row, so `z` is still in
/// cache when the activation reads it.
/// - Complexity: O(rows·columns).
public func addBiasAndActivate(
    _ bias: UnsafePointer<Float>, to z: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
    activation f: Activation, output: UnsafeMutablePointer<Float>
) {
    addBiasAndActivate(bias, to: z, rows: rows, columns: columns, activation: f, output: output, isa: .detected)
}

func addBiasAndActivate(
    _ bias: UnsafePointer<Float>, to z: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
    activation f: Activation, output: UnsafeMutablePointer<Float>, isa: InstructionSet
) {
    precondition(rows >= 0 && columns >= 0, "addBiasAndActivate: negative shape \(rows)×\(columns)")
    let (kind, slope) = f.kernelArguments
    ck_add_bias_activation(isa.cValue, bias, z, output, rows, columns, kind, slope)
}

/// `out[j] (+)= Σ_i x[i, j]`: the bias gradient from `dY`. Accumulates into `out` when
/// `accumulate` is true, otherwise overwrites it. Sums in row order, exactly as a scalar loop.
/// - Complexity: O(rows·columns).
public func sumRows(_ x: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>, accumulate: Bool) {
    sumRows(x, rows: rows, columns: columns, into: out, accumulate: accumulate, isa: .detected)
}

func sumRows(
    _ x: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>, accumulate: Bool,
    isa: InstructionSet
) {
    precondition(rows >= 0 && columns >= 0, "sumRows: negative shape \(rows)×\(columns)")
    ck_sum_rows(isa.cValue, x, rows, columns, out, accumulate ? 1 : 0)
}
