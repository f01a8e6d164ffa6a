import Foundation
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

/// The thread budget counts the cores this process may use, not the online ones.
struct GemmThreadingCoresTests {
    @Test("cpu.max quotas round up to whole cores; no quota and malformed text give none")
    func parsesCPUMax() {
        let table: [(String, Int?)] = [
            ("max 100000\n", nil), ("100000 100000\n", 1), ("150000 100000", 2), ("50000 100000", 1),
            ("200000 100000\n", 2), ("1 1000000", 1), ("", nil), ("max", nil), ("abc 100000", nil),
            ("100000 0", nil), ("-5 100000", nil), ("12x 100000", nil), ("100000", nil)
        ]
        for (text, expected) in table {
            #expect(GemmThreading.cores(cpuMax: text) == expected, "\(text.debugDescription)")
        }
    }

    @Test("the tightest quota on the path from the process's cgroup to the root wins")
    func walksCgroupAncestors() throws {
        let root = try FixtureDirectory()
        try root.write("a/cpu.max", "250000 100000\n")
        try root.write("a/b/cpu.max", "max 100000\n")
        try root.write("c/cpu.max", "400000 100000\n")
        try root.write("c/d/cpu.max", "100000 100000\n")
        try root.write("e/cpu.max", "max 100000\n")
        let v1Lines = "4:memory:/x\n1:cpu:/\n"
        #expect(GemmThreading.cgroupCoreLimit(cgroupRoot: root.path, procCgroup: v1Lines + "0::/a/b\n") == 3)
        #expect(GemmThreading.cgroupCoreLimit(cgroupRoot: root.path, procCgroup: "0::/c/d\n") == 1)
        #expect(GemmThreading.cgroupCoreLimit(cgroupRoot: root.path, procCgroup: "0::/e") == nil)
        #expect(GemmThreading.cgroupCoreLimit(cgroupRoot: root.path, procCgroup: "0::/missing/leaf\n") == nil)
        #expect(GemmThreading.cgroupCoreLimit(cgroupRoot: root.path, procCgroup: v1Lines) == nil)
    }

    @Test("the usable count is at least 1 and at most the online count")
    func usableCoresWithinOnline() {
        let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        #expect(GemmThreading.maxThreads >= 1 && GemmThreading.maxThreads <= max(1, online))
    }
}

/// A temporary directory tree of fixture files, removed when released.
final class FixtureDirectory {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("gemm-cgroup-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func write(_ relative: String, _ text: String) throws {
        let file = URL(fileURLWithPath: path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
