import Testing

@testable import Kernels

struct GemmThreadingTests {
    @Test("small products stay on the calling thread")
    func smallStaysSingle() {
        let split = GemmThreading.split(.none, .transposed, m: 1, n: 256, k: 784, isa: .avx2FMA, threads: 2)
        #expect(split.parts == 1)
    }

    @Test("large products are cut along the longer side into tile-aligned bands")
    func largeIsCutAligned() {
        let tall = GemmThreading.split(.none, .none, m: 1000, n: 200, k: 500, isa: .avx2FMA, threads: 2)
        #expect(tall.parts == 2 && tall.byRows && tall.chunk % 6 == 0 && tall.chunk * 2 >= 1000)
        let wide = GemmThreading.split(.none, .none, m: 200, n: 1000, k: 500, isa: .avx2FMA, threads: 2)
        #expect(wide.parts == 2 && !wide.byRows && wide.chunk % 16 == 0 && wide.chunk * 2 >= 1000)
    }

    @Test("never more parts than tiles, and no empty part")
    func partsBoundedByTiles() {
        let split = GemmThreading.split(.none, .none, m: 2000, n: 20, k: 2000, isa: .avx2FMA, threads: 400)
        #expect(split.parts <= (2000 + 5) / 6)
        #expect((split.parts - 1) * split.chunk < 2000)
    }

    @Test("an absurd shape does not overflow the flop count")
    func hugeShapeDoesNotTrap() {
        let split = GemmThreading.split(.none, .none, m: 1 << 40, n: 1 << 40, k: 1 << 40, isa: .avx2FMA, threads: 2)
        #expect(split.parts == 2)
    }
}
