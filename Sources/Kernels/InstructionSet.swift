import CKernels

/// The instruction set the kernels run on, detected once per process.
///
/// The hot loops live in the `CKernels` C target, compiled for baseline x86-64 with
/// per-function `target("avx2,fma")` attributes; they are entered only after CPUID and XCR0
/// show AVX2, FMA and OS-saved YMM state. A CPU without them gets the portable path (slower,
/// same results within rounding), never an illegal-instruction crash.
public enum InstructionSet: Sendable, Equatable, CustomStringConvertible {
    /// Plain C vectorized for baseline x86-64 (SSE2), or any other architecture.
    case portable
    /// 256-bit AVX2 with fused multiply-add.
    case avx2FMA

    /// What this machine runs.
    public static let detected: InstructionSet =
        ck_detect_isa() == CK_ISA_AVX2_FMA ? .avx2FMA : .portable

    /// Whether this CPU (and OS) can run the AVX2/FMA kernels.
    public static var cpuSupportsAVX2FMA: Bool { detected == .avx2FMA }

    public var description: String {
        switch self {
        case .portable: "portable (baseline x86-64, no AVX2/FMA)"
        case .avx2FMA: "AVX2+FMA"
        }
    }

    var cValue: ck_isa {
        switch self {
        case .portable: CK_ISA_PORTABLE
        case .avx2FMA: CK_ISA_AVX2_FMA
        }
    }
}

extension InstructionSet {
    /// Whether the gemm widens the AVX2 path to its AVX-512F kernels (`ck_gemm_isa`): the CPU has
    /// AVX-512F, the OS saves ZMM state, and `CK_GEMM_ISA=avx2` is not set. Only the gemm has
    /// AVX-512 kernels; on its packed paths both widths give the same bits.
    public static let gemmAVX512: Bool = ck_gemm_isa() == CK_ISA_AVX512F

    /// The C ISA a gemm runs at: this one, with AVX2 widened to AVX-512 when `avx512` and allowed
    /// (`gemmAVX512`), so no caller can reach an AVX-512 kernel on a CPU without it.
    func gemmValue(avx512: Bool) -> ck_isa {
        self == .avx2FMA && avx512 && Self.gemmAVX512 ? CK_ISA_AVX512F : cValue
    }
}
