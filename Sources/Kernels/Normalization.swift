/// Vector loops for batch and layer normalization over one contiguous run of a tensor (a row
/// of layer norm, a channel's plane of one sample for batch norm). Sums accumulate in Double,
/// as the layers' float64-checked parity asks, eight lanes at a time (two SIMD4<Double>
/// converted from one SIMD8<Float> load); nothing is allocated.

/// Σ x over `count` floats.
public func sumAsDouble(_ x: UnsafePointer<Float>, count: Int) -> Double {
    var low = SIMD4<Double>()
    var high = SIMD4<Double>()
    var i = 0
    while i + 8 <= count {
        let v = load8(x + i)
        low += SIMD4<Double>(v.lowHalf)
        high += SIMD4<Double>(v.highHalf)
        i += 8
    }
    var sum = (low + high).sum()
    while i < count {
        sum += Double(x[i])
        i += 1
    }
    return sum
}

/// Σ (x − mean)² over `count` floats: the two-pass variance's second pass.
public func sumOfSquaredDeviations(_ x: UnsafePointer<Float>, count: Int, from mean: Double) -> Double {
    var low = SIMD4<Double>()
    var high = SIMD4<Double>()
    let m = SIMD4<Double>(repeating: mean)
    var i = 0
    while i + 8 <= count {
        let v = load8(x + i)
        let dl = SIMD4<Double>(v.lowHalf) - m
        let dh = SIMD4<Double>(v.highHalf) - m
        low += dl * dl
        high += dh * dh
        i += 8
    }
    var sum = (low + high).sum()
    while i < count {
        let d = Double(x[i]) - mean
        sum += d * d
        i += 1
    }
    return sum
}

/// (Σ g·a, Σ g·a·x) over `count` pairs, a = 1 or one scale per element (products in Double): a
/// normalization's backward sums.
public func sumAndDotAsDouble(
    _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int, scales: UnsafePointer<Float>? = nil
) -> (sum: Double, dot: Double) {
    var sumLow = SIMD4<Double>()
    var sumHigh = SIMD4<Double>()
    var dotLow = SIMD4<Double>()
    var dotHigh = SIMD4<Double>()
    var i = 0
    while i + 8 <= count {
        let gv = load8(g + i)
        let xv = load8(x + i)
        var gl = SIMD4<Double>(gv.lowHalf)
        var gh = SIMD4<Double>(gv.highHalf)
        if let scales {
            let a = load8(scales + i)
            gl *= SIMD4<Double>(a.lowHalf)
            gh *= SIMD4<Double>(a.highHalf)
        }
        sumLow += gl
        sumHigh += gh
        dotLow += gl * SIMD4<Double>(xv.lowHalf)
        dotHigh += gh * SIMD4<Double>(xv.highHalf)
        i += 8
    }
    var sum = (sumLow + sumHigh).sum()
    var dot = (dotLow + dotHigh).sum()
    while i < count {
        let scaled = Double(g[i]) * Double(scales?[i] ?? 1)
        sum += scaled
        dot += scaled * Double(x[i])
        i += 1
    }
    return (sum, dot)
}

/// x̂ = Float((x − mean)·inverseStd) written over `x`, and y = x̂·scale + shift, with one scale
/// and shift for the run (batch norm's channel) or one per element (layer norm's weight and
/// bias; nil for none).
public func normalize(
    _ x: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int, mean: Double, inverseStd: Double,
    scale: Float = 1, shift: Float = 0, scales: UnsafePointer<Float>? = nil, shifts: UnsafePointer<Float>? = nil
) {
    let m = SIMD4<Double>(repeating: mean)
    let r = SIMD4<Double>(repeating: inverseStd)
    var i = 0
    while i + 8 <= count {
        let v = load8(x + i)
        let h = SIMD8<Float>(
            lowHalf: SIMD4<Float>((SIMD4<Double>(v.lowHalf) - m) * r), highHalf: SIMD4<Float>((SIMD4<Double>(v.highHalf) - m) * r))
        store8(h, x + i)
        let a = scales.map { load8($0 + i) } ?? SIMD8<Float>(repeating: scale)
        let b = shifts.map { load8($0 + i) } ?? SIMD8<Float>(repeating: shift)
        store8(h * a + b, y + i)
        i += 8
    }
    while i < count {
        let h = Float((Double(x[i]) - mean) * inverseStd)
        x[i] = h
        y[i] = h * (scales?[i] ?? scale) + (shifts?[i] ?? shift)
        i += 1
    }
}

/// d = Float(k·(total·d·a − sumG − x̂·sumGXhat)) in place, a = one scale or one per element:
/// the input gradient of batch norm (a = 1, k carrying the weight) and of layer norm (a = the
/// weight), given the run's (or channel's) sums.
public func normalizationInputGradient(
    _ d: UnsafeMutablePointer<Float>, normalized xh: UnsafePointer<Float>, count: Int, k: Double, total: Double, sumG: Double,
    sumGXhat: Double, scales: UnsafePointer<Float>? = nil
) {
    let kv = SIMD4<Double>(repeating: k)
    let tv = SIMD4<Double>(repeating: total)
    let sg = SIMD4<Double>(repeating: sumG)
    let sx = SIMD4<Double>(repeating: sumGXhat)
    var i = 0
    while i + 8 <= count {
        let g = load8(d + i)
        var gl = SIMD4<Double>(g.lowHalf)
        var gh = SIMD4<Double>(g.highHalf)
        if let scales {
            let a = load8(scales + i)
            gl *= SIMD4<Double>(a.lowHalf)
            gh *= SIMD4<Double>(a.highHalf)
        }
        let xv = load8(xh + i)
        let low = kv * (tv * gl - sg - SIMD4<Double>(xv.lowHalf) * sx)
        let high = kv * (tv * gh - sg - SIMD4<Double>(xv.highHalf) * sx)
        store8(SIMD8<Float>(lowHalf: SIMD4<Float>(low), highHalf: SIMD4<Float>(high)), d + i)
        i += 8
    }
    while i < count {
        let g = Double(d[i]) * Double(scales?[i] ?? 1)
        d[i] = Float(k * (total * g - sumG - Double(xh[i]) * sumGXhat))
        i += 1
    }
}

@inline(__always) private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always) private func load8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always) private func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}
