/// PyTorch's CPU generator (`CPUGeneratorImpl`): an MT19937 engine plus the cached second
/// sample of the double-precision Box–Muller transform. Draw for draw, it yields what
/// `torch.manual_seed(seed)` followed by the same tensor calls yields.
///
/// A value type: copying it forks the stream, so a snapshot keeps its own position.
public struct PyTorchGenerator: Sendable, Equatable {
    public private(set) var engine: MT19937
    /// The sine half of the last scalar Box–Muller pair, consumed by the next scalar normal
    /// draw (`next_double_normal_sample` in ATen).
    private var cachedNormal: Double?

    /// The state right after `torch.manual_seed(seed)`.
    public init(seed: UInt64) {
        engine = MT19937(seed: seed)
        cachedNormal = nil
    }

    /// PyTorch's `generator->random()`: the next 32 bits of the engine (randperm swaps with it).
    public mutating func random() -> UInt32 { engine.next() }

    /// The next `count` draws of ``random()`` before tempering (``MT19937/fillUntempered(_:count:)``).
    mutating func drawUntempered(into words: UnsafeMutableRawPointer, count: Int) {
        engine.fillUntempered(words, count: count)
    }

    /// One float32 uniform draw in [from, to): `fma((u32 & 0xFFFFFF)·2⁻²⁴, to − from, from)`.
    ///
    /// The fused multiply-add matters: ATen's AVX2 kernel contracts `x·(to−from)+from`, and
    /// rounding once instead of twice is what makes U(±0.07) and U(±1/√3) bit-equal.
    @inline(__always)
    public mutating func uniformFloat(from: Float, to: Float) -> Float {
        let x = Float(engine.next() & 0xFF_FFFF) * 0x1p-24
        return from.addingProduct(x, to - from)
    }

    /// One double uniform draw in [from, to) from 53 bits of `random64()`.
    @inline(__always)
    public mutating func uniformDouble(from: Double, to: Double) -> Double {
        let x = Double(engine.next64() & ((1 << 53) - 1)) * 0x1p-53
        return x * (to - from) + from
    }

    /// One scalar normal draw as `at::normal_distribution<double>` makes it: the cached sine
    /// sample when there is one, otherwise a fresh Box–Muller pair
    /// (`u1, u2` uniform, `r = √(−2·log1p(−u2))`, `θ = 2π·u1`), returning `r·cosθ` and caching `r·sinθ`.
    public mutating func normalDouble(mean: Double, std: Double) -> Double {
        if let cached = cachedNormal {
            cachedNormal = nil
            return cached * std + mean
        }
        let u1 = uniformDouble(from: 0, to: 1)
        let u2 = uniformDouble(from: 0, to: 1)
        let r = (-2 * RandomMath.log1p(-u2)).squareRoot()
        let theta = 2 * Double.pi * u1
        cachedNormal = r * RandomMath.sin(theta)
        return r * RandomMath.cos(theta) * std + mean
    }
}
