/// Scalar replicas of `log256_ps` and `sincos256_ps` from avx_mathfun.h (Cephes polynomials,
/// as ported to AVX by Garberoglio), which PyTorch's AVX2 `normal_fill_16_AVX2` calls.
///
/// Each step rounds to Float exactly where the compiled kernel does. PyTorch's build
/// contracts most multiply-adds into FMAs: every Horner step, `y·z + e·q1` in log,
/// `y·z − z/2` in cos, `y·x + x` in sin; those use `addingProduct`. The Cody–Waite
/// reduction `x + y·DPᵢ` rounds its products separately. Established by matching 100 000 of
/// PyTorch 2.13's normal draws bit for bit (RandomGeneratorTests keeps a sample).
enum AVXMathFun {
    private static let sqrtHalf: Float = 0.707106781186547524
    private static let logP: [Float] = [
        7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
        -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1
    ]
    private static let logQ1: Float = -2.12194440e-4
    private static let logQ2: Float = 0.693359375

    /// Natural log for x > 0 (the caller passes 1 − u with u in [0, 1)).
    @inline(__always)
    static func log(_ input: Float) -> Float {
        let clamped = max(input, Float.leastNormalMagnitude)
        let bits = clamped.bitPattern
        var e = Float(Int32(bitPattern: bits >> 23) - 0x7F) + 1
        var x = Float(bitPattern: (bits & ~UInt32(0x7F80_0000)) | Float(0.5).bitPattern)
        let small = x < sqrtHalf
        let tmp: Float = small ? x : 0
        x = x - 1
        e = e - (small ? 1 : 0)
        x = x + tmp
        let z = x * x
        var y = logP[0]
        for k in 1..<logP.count { y = logP[k].addingProduct(y, x) }
        y = y * x
        y = (e * logQ1).addingProduct(y, z)
        y = y - z * 0.5
        x = x + y
        x = x + e * logQ2
        return x
    }

    private static let fourOverPi: Float = 1.27323954473516
    private static let minusDP1: Float = -0.78515625
    private static let minusDP2: Float = -2.4187564849853515625e-4
    private static let minusDP3: Float = -3.77489497744594108e-8
    private static let sinP: [Float] = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1]
    private static let cosP: [Float] = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2]

    /// Sine and cosine together, for |x| small enough that the reduction is exact (θ ≤ 2π here).
    @inline(__always)
    static func sincos(_ input: Float) -> (sin: Float, cos: Float) {
        var signSin = input.sign == .minus
        var x = abs(input)
        var j = Int32(x * fourOverPi)
        j = (j + 1) & ~1
        let y = Float(j)
        let swap = j & 4 != 0
        let usePolynomialAsIs = j & 2 == 0
        x = x + y * minusDP1
        x = x + y * minusDP2
        x = x + y * minusDP3
        let signCos = (~(j - 2)) & 4 != 0
        signSin = signSin != swap
        let z = x * x
        var c = cosP[0]
        c = cosP[1].addingProduct(c, z)
        c = cosP[2].addingProduct(c, z)
        c = c * z
        c = (-(z * 0.5)).addingProduct(c, z)
        c = c + 1
        var s = sinP[0]
        s = sinP[1].addingProduct(s, z)
        s = sinP[2].addingProduct(s, z)
        s = s * z
        s = x.addingProduct(s, x)
        var (sine, cosine) = usePolynomialAsIs ? (s, c) : (c, s)
        if signSin { sine = -sine }
        if signCos { cosine = -cosine }
        return (sine, cosine)
    }
}
