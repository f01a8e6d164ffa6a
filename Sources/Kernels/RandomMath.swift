#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The C library functions the seeded draws call, in one place so the draws stay free of `#if`.
/// Module-qualified because Kernels' own `logf` (Libm.swift) shadows the C one.
enum RandomMath {
    @inline(__always) static func log1p(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.log1p(x)
        #else
            Darwin.log1p(x)
        #endif
    }
    @inline(__always) static func sin(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.sin(x)
        #else
            Darwin.sin(x)
        #endif
    }
    @inline(__always) static func cos(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.cos(x)
        #else
            Darwin.cos(x)
        #endif
    }
}
