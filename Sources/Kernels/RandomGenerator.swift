/// The 32-bit Mersenne Twister MT19937 (Matsumoto & Nishimura, 1998), seeded exactly as
/// PyTorch's CPU generator seeds it: `torch.manual_seed(s)` is `init_genrand(s & 0xFFFF_FFFF)`.
///
/// The sequence depends only on the seed, never on the machine or thread count, so the same
/// seed reproduces the same bits everywhere. Check vector: seed 0 gives 2357136044,
/// 2546248239, 3071714933, 3626093760 first.
public struct MT19937: Sendable, Equatable {
    private static let n = 624
    private static let m = 397
    private var state: [UInt32]
    private var index: Int

    /// Seeds with the low 32 bits of `seed` (PyTorch's `mt19937(seed)` keeps only those too).
    public init(seed: UInt64) {
        var s = [UInt32](repeating: 0, count: Self.n)
        s[0] = UInt32(truncatingIfNeeded: seed)
        for i in 1..<Self.n {
            let previous = s[i - 1]
            s[i] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(i)
        }
        state = s
        index = Self.n
    }

    /// The next 32 random bits.
    public mutating func next() -> UInt32 {
        if index >= Self.n { twist() }
        let y = state[index]
        index += 1
        return Self.temper(y)
    }

    /// The next `count` outputs before tempering, as raw UInt32 words at `words`, in order:
    /// ``temper(_:)`` of each is what ``next()`` would have returned. Generating is sequential;
    /// this lets the tempering and whatever follows it run on several threads.
    public mutating func fillUntempered(_ words: UnsafeMutableRawPointer, count: Int) {
        var filled = 0
        while filled < count {
            if index >= Self.n { twist() }
            let take = min(Self.n - index, count - filled)
            state.withUnsafeBytes { bytes in
                (words + filled * 4).copyMemory(from: bytes.baseAddress! + index * 4, byteCount: take * 4)
            }
            index += take
            filled += take
        }
    }

    /// MT19937's output transform of one state word.
    @inline(__always)
    public static func temper(_ word: UInt32) -> UInt32 {
        var y = word
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// Two draws combined as PyTorch's `random64()` does: first draw in the high half.
    public mutating func next64() -> UInt64 {
        let high = UInt64(next())
        let low = UInt64(next())
        return (high << 32) | low
    }

    /// The reference recurrence, split at the wrap-around so no index needs a modulo (the
    /// twist is the sequential part of a large fill).
    private mutating func twist() {
        let n = Self.n
        let m = Self.m
        state.withUnsafeMutableBufferPointer { s in
            @inline(__always) func mix(_ k: Int, _ next: Int, _ far: Int) {
                let y = (s[k] & 0x8000_0000) | (s[next] & 0x7FFF_FFFF)
                s[k] = s[far] ^ (y >> 1) ^ ((0 &- (y & 1)) & 0x9908_B0DF)
            }
            for k in 0..<(n - m) { mix(k, k + 1, k + m) }
            for k in (n - m)..<(n - 1) { mix(k, k + 1, k + m - n) }
            mix(n - 1, 0, m - 1)
        }
        index = 0
    }
}
