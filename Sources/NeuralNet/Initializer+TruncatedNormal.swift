import Kernels

extension Initializer {
    /// Rejection rounds after which `trunc_normal` clamps what is still out of bounds, so a
    /// pathological interval (far in a tail) cannot loop for long.
    static let truncNormalMaxRounds = 1000

    /// `trunc_normal_` as PyTorch ≥ 2.10 draws it (rejection sampling, not inverse CDF):
    ///
    /// - when the interval holds more than 30% of the mass, fill from N(mean, std²) and
    ///   redraw a whole tensor of normals for as long as some element lies outside [a, b],
    ///   taking the redrawn value only where the element was outside;
    /// - otherwise propose x ~ U(a, b) and accept when `log u ≤ −½((x−mean)/std)² − log_peak`
    ///   (u ~ U(0, 1), `log_peak` at the point of [a, b] nearest the mean), redrawing whole
    ///   tensors of proposals and uniforms for the elements still pending.
    func truncNormal(_ t: inout Tensor, _ mean: Double, _ std: Double, _ a: Double, _ b: Double, _ g: inout PyTorchGenerator) {
        func cdf(_ x: Double) -> Double { (1 + Math.erf(x / (2.0).squareRoot())) / 2 }
        let mass = cdf((b - mean) / std) - cdf((a - mean) / std)
        let (lo, hi) = (Float(a), Float(b))
        let n = t.count
        var draw = [Float](repeating: 0, count: n)
        if mass > 0.3 {
            t.withUnsafeMutableScalars { result in
                g.fillNormal(result, mean: mean, std: std)
                var rounds = 0
                while result.contains(where: { $0 < lo || $0 > hi }) && rounds < Self.truncNormalMaxRounds {
                    draw.withUnsafeMutableBufferPointer { g.fillNormal($0, mean: mean, std: std) }
                    for i in 0..<n where result[i] < lo || result[i] > hi { result[i] = draw[i] }
                    rounds += 1
                }
                for i in 0..<n { result[i] = min(max(result[i], lo), hi) }
            }
            return
        }
        let mode = max(a, min(mean, b))
        let logPeak = Float(-0.5 * ((mode - mean) / std) * ((mode - mean) / std))
        let (m, s) = (Float(mean), Float(std))
        // The float arithmetic of candidates.sub_(mean).div_(std).pow_(2).mul_(-0.5).sub_(log_peak).
        func logDensity(_ x: Float) -> Float {
            let z = (x - m) / s
            return (z * z) * -0.5 - logPeak
        }
        var accept = [Float](repeating: 0, count: n)
        t.withUnsafeMutableScalars { result in
            g.fillUniform(result, from: a, to: b)
            accept.withUnsafeMutableBufferPointer { g.fillUniform($0, from: 0, to: 1) }
            var pending = (0..<n).map { Math.logf(accept[$0]) > logDensity(result[$0]) }
            var rounds = 0
            while pending.contains(true) && rounds < Self.truncNormalMaxRounds {
                draw.withUnsafeMutableBufferPointer { g.fillUniform($0, from: a, to: b) }
                accept.withUnsafeMutableBufferPointer { g.fillUniform($0, from: 0, to: 1) }
                for i in 0..<n where pending[i] {
                    result[i] = draw[i]
                    pending[i] = Math.logf(accept[i]) > logDensity(draw[i])
                }
                rounds += 1
            }
        }
    }
}
