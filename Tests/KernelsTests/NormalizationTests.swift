import Kernels
import Testing

/// The normalization loops against their scalar definitions, for every length around the
/// eight-lane blocks (tails included) and with and without per-element scales.
struct NormalizationTests {
    static func values(_ count: Int, seed: Float) -> [Float] {
        // A fixed, irregular sequence: fractions of a multiplicative congruence, scaled and shifted.
        (0..<count).map { i -> Float in
            let fraction = Float((i * 7919 + 13) % 101) / 101
            return fraction * 6 - 3 + seed
        }
    }

    @Test(arguments: 0..<37)
    func sumsMatchTheScalarLoops(_ count: Int) {
        let x = Self.values(count, seed: 0.5)
        let g = Self.values(count, seed: -1.25)
        let a = Self.values(count, seed: 2)
        let mean = 0.3
        let sum = x.reduce(0.0) { $0 + Double($1) }
        let squares = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
        #expect(abs(sumAsDouble(x, count: count) - sum) <= 1e-12 * max(1, abs(sum)))
        #expect(abs(sumOfSquaredDeviations(x, count: count, from: mean) - squares) <= 1e-12 * max(1, squares))
        var plain = (0.0, 0.0)
        var scaled = (0.0, 0.0)
        for i in 0..<count {
            plain.0 += Double(g[i])
            plain.1 += Double(g[i]) * Double(x[i])
            let s = Double(g[i]) * Double(a[i])
            scaled.0 += s
            scaled.1 += s * Double(x[i])
        }
        let got = sumAndDotAsDouble(g, x, count: count)
        #expect(abs(got.sum - plain.0) <= 1e-12 * max(1, abs(plain.0)) && abs(got.dot - plain.1) <= 1e-12 * max(1, abs(plain.1)))
        let gotScaled = a.withUnsafeBufferPointer { sumAndDotAsDouble(g, x, count: count, scales: $0.baseAddress) }
        #expect(abs(gotScaled.sum - scaled.0) <= 1e-12 * max(1, abs(scaled.0)))
        #expect(abs(gotScaled.dot - scaled.1) <= 1e-12 * max(1, abs(scaled.1)))
    }

    @Test(arguments: 0..<37)
    func normalizeAndItsGradientMatchTheScalarLoopsBitForBit(_ count: Int) {
        let x = Self.values(count, seed: 0.5)
        let a = Self.values(count, seed: 2)
        let b = Self.values(count, seed: -3)
        let (mean, inverseStd) = (0.25, 1.5)
        for perElement in [false, true] {
            var xh = x
            var y = [Float](repeating: .nan, count: count)
            xh.withUnsafeMutableBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    a.withUnsafeBufferPointer { ap in
                        b.withUnsafeBufferPointer { bp in
                            guard let xp = xp.baseAddress, let yp = yp.baseAddress else { return }
                            normalize(
                                xp, into: yp, count: count, mean: mean, inverseStd: inverseStd, scale: 0.75, shift: -0.5,
                                scales: perElement ? ap.baseAddress : nil, shifts: perElement ? bp.baseAddress : nil)
                        }
                    }
                }
            }
            for i in 0..<count {
                let h = Float((Double(x[i]) - mean) * inverseStd)
                #expect(xh[i] == h)
                #expect(y[i] == (perElement ? h * a[i] + b[i] : h * 0.75 - 0.5))
            }
            var d = b
            d.withUnsafeMutableBufferPointer { dp in
                a.withUnsafeBufferPointer { ap in
                    guard let dp = dp.baseAddress else { return }
                    normalizationInputGradient(
                        dp, normalized: xh, count: count, k: 0.125, total: Double(count), sumG: 0.5, sumGXhat: -0.25,
                        scales: perElement ? ap.baseAddress : nil)
                }
            }
            for i in 0..<count {
                let g = Double(b[i]) * (perElement ? Double(a[i]) : 1)
                #expect(d[i] == Float(0.125 * (Double(count) * g - 0.5 - Double(xh[i]) * -0.25)))
            }
        }
    }
}
