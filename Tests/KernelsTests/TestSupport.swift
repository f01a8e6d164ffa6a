@testable import Kernels

/// SplitMix64: a tiny seeded generator so every test input is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `count` floats uniform in `range`, from `seed`.
func randomFloats(_ count: Int, in range: ClosedRange<Float> = -1...1, seed: UInt64) -> [Float] {
    var g = SeededGenerator(seed: seed)
    let width = range.upperBound - range.lowerBound
    // 24 random bits give every float in [0, 1) on a 2⁻²⁴ grid; cheaper than Float.random in debug builds.
    return (0..<count).map { _ in range.lowerBound + width * Float(g.next() >> 40) * 0x1p-24 }
}

/// The sizes every kernel is swept over: empty, one, around the 8-lane vector, odd, large.
let awkwardSizes = [0, 1, 7, 8, 9, 17, 1000]

/// Both instruction-set paths this machine can run (the portable one runs everywhere).
let runnableInstructionSets: [InstructionSet] =
    InstructionSet.detected == .avx2FMA ? [.portable, .avx2FMA] : [.portable]

/// Whether `got` is within `ulps` units in the last place of `expected` (NaN only matches NaN,
/// infinities must be equal).
func isClose(_ got: Float, _ expected: Float, ulps: Float, absolute: Float = 0) -> Bool {
    if expected.isNaN { return got.isNaN }
    if expected.isInfinite || got.isInfinite { return got == expected }
    return abs(got - expected) <= ulps * expected.ulp + absolute
}
