import Testing

@testable import Kernels

struct GemmThreadingTests {
    @Test("small products stay on the calling thread")
    func smallStaysSingle() {
        let split = GemmThreading.split(.none, .transposed, m: 1, n: 256, k: 784, isa: .avx2FMA, threads: 2)
        #expect(split.parts == 1)
    }

    @Test("the packed algorithm cuts columns and shares one packed A, unless C is narrow")
    func packedCutsColumns() {
        let wide = GemmThreading.split(.none, .none, m: 1000, n: 200, k: 500, isa: .avx2FMA, threads: 2)
        #expect(wide.parts >= 2 && !wide.byRows && wide.sharesPackedA && wide.chunk % 16 == 0)
        let narrow = GemmThreading.split(.none, .none, m: 1000, n: 40, k: 500, isa: .avx2FMA, threads: 2)
        #expect(narrow.parts >= 2 && narrow.byRows && !narrow.sharesPackedA && narrow.chunk % 6 == 0)
    }

    @Test("the in-place paths cut the longer side")
    func inPlaceCutsLongerSide() {
        let gemv = GemmThreading.split(.none, .transposed, m: 1, n: 4000, k: 784, isa: .avx2FMA, threads: 2)
        #expect(gemv.parts >= 2 && !gemv.byRows && !gemv.sharesPackedA)
        let narrow = GemmThreading.split(.none, .transposed, m: 5000, n: 10, k: 256, isa: .avx2FMA, threads: 2)
        #expect(narrow.parts >= 2 && narrow.byRows && narrow.chunk % 4 == 0)
    }

    @Test("a thread budget below the core count is a cap on the number of blocks")
    func budgetCapsParts() {
        let split = GemmThreading.split(.none, .none, m: 1000, n: 1000, k: 1000, isa: .avx2FMA, threads: 1)
        #expect(split.parts == 1)
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
        #expect(split.parts >= 2)
    }
}
