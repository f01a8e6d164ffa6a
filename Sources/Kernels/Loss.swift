#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Mean squared error `L = (1/n) Σ (p − t)²` over `count` elements; writes `dL/dp = 2(p − t)/n`
/// into `gradient` when given. Returns 0 for `count == 0`.
public func mseLoss(
    prediction p: UnsafePointer<Float>, target t: UnsafePointer<Float>, count: Int,
    gradient: UnsafeMutablePointer<Float>?
) -> Float {
    guard count > 0 else { return 0 }
    var s: Double = 0
    let scale = 2 / Float(count)
    for i in 0..<count {
        let d = p[i] - t[i]
        s += Double(d * d)
        gradient?[i] = scale * d
    }
    return Float(s / Double(count))
}

/// Cross-entropy with logits, mean over `rows`: `L = −(1/rows) Σ_i log softmax(z_i)[label_i]`.
/// Writes `dL/dz = (softmax(z) − onehot)/rows` into `gradient` when given.
/// - Precondition: every label is in `0..<classes` (callers validate input first).
public func crossEntropyLoss(
    logits z: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, classes: Int,
    gradient: UnsafeMutablePointer<Float>?
) -> Float {
    guard rows > 0 else { return 0 }
    var total: Double = 0
    for i in 0..<rows {
        let r = i * classes
        var m = -Float.infinity
        for j in 0..<classes { m = max(m, z[r + j]) }
        var s: Float = 0
        for j in 0..<classes { s += expf(z[r + j] - m) }
        let lse = m + logf(s)
        let label = Int(labels[i])
        precondition(label >= 0 && label < classes, "label \(label) outside 0..<\(classes)")
        total += Double(lse - z[r + label])
        if let g = gradient {
            for j in 0..<classes {
                g[r + j] = (expf(z[r + j] - lse) - (j == label ? 1 : 0)) / Float(rows)
            }
        }
    }
    return Float(total / Double(rows))
}
