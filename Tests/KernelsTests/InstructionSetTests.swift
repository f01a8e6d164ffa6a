#if canImport(Glibc)
    import Glibc
#endif
import Testing

@testable import Kernels

struct InstructionSetTests {
    /// The CPU flags the kernel reports, or nil where there is no /proc/cpuinfo.
    static func cpuinfoFlags() -> Set<Substring>? {
        #if canImport(Glibc)
            guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
            defer { fclose(file) }
            var line: UnsafeMutablePointer<CChar>?
            var capacity = 0
            defer { free(line) }
            while getline(&line, &capacity, file) > 0 {
                let text = String(cString: line!)
                if text.hasPrefix("flags") { return Set(text.split(separator: " ").map { $0.split(separator: "\n")[0] }) }
            }
        #endif
        return nil
    }

    // Under an emulator that hides AVX2 (qemu-x86_64 -cpu Nehalem, used to check the portable
    // path) /proc/cpuinfo still shows the host's flags: run this suite natively.
    @Test("detection agrees with the kernel's CPU flags, so this machine gets the AVX2 path")
    func detectionMatchesCPUFlags() throws {
        let flags = try #require(Self.cpuinfoFlags())
        let expected: InstructionSet =
            flags.contains("avx2") && flags.contains("fma")
            ? .avx2FMA : .portable
        #expect(InstructionSet.detected == expected)
        #expect(InstructionSet.cpuSupportsAVX2FMA == (expected == .avx2FMA))
    }
}
