import CKernels

/// Mean squared error `L = (1/n) Σ (p − t)²` over `count` elements; writes `dL/dp = 2(p − t)/n`
/// into `gradient` when given. Returns 0 for `count == 0`. The sum is accumulated in Double.
/// - Complexity: O(count).
public func mseLoss(
    prediction p: UnsafePointer<Float>, target t: UnsafePointer<Float>, count: Int,
    gradient: UnsafeMutablePointer<Float>?
) -> Float {
    mseLoss(prediction: p, target: t, count: count, gradient: gradient, isa: .detected)
}

func mseLoss(
    prediction p: UnsafePointer<Float>, target t: UnsafePointer<Float>, count: Int,
    gradient: UnsafeMutablePointer<Float>?, isa: InstructionSet
) -> Float {
    precondition(count >= 0, "mseLoss: negative count \(count)")
    guard count > 0 else { return 0 }
    return Float(ck_mse(isa.cValue, p, t, count, gradient))
}

/// Cross-entropy with logits, mean over `rows`: `L = −(1/rows) Σ_i log softmax(z_i)[label_i]`.
/// Writes `dL/dz = (softmax(z) − onehot)/rows` into `gradient` when given.
/// Returns 0 for `rows == 0`; the per-row losses are accumulated in Double.
/// - Precondition: every label is in `0..<classes` (callers validate input first).
/// - Complexity: O(rows·classes).
public func crossEntropyLoss(
    logits z: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, classes: Int,
    gradient: UnsafeMutablePointer<Float>?
) -> Float {
    crossEntropyLoss(logits: z, labels: labels, rows: rows, classes: classes, gradient: gradient, isa: .detected)
}

func crossEntropyLoss(
    logits z: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, classes: Int,
    gradient: UnsafeMutablePointer<Float>?, isa: InstructionSet
) -> Float {
    precondition(rows >= 0 && classes >= 0, "crossEntropyLoss: negative shape \(rows)×\(classes)")
    guard rows > 0 else { return 0 }
    for i in 0..<rows {
        let label = Int(labels[i])
        precondition(label >= 0 && label < classes, "label \(label) outside 0..<\(classes)")
    }
    return Float(ck_cross_entropy(isa.cValue, z, labels, rows, classes, gradient))
}
