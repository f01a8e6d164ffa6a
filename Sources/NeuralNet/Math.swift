#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few C library functions the initializers need, so other files stay free of `#if`.
enum Math {
    static func erf(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.erf(x)
        #else
            Darwin.erf(x)
        #endif
    }

    static func exp(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.exp(x)
        #else
            Darwin.exp(x)
        #endif
    }

    static func log(_ x: Double) -> Double {
        #if canImport(Glibc)
            Glibc.log(x)
        #else
            Darwin.log(x)
        #endif
    }

    static func logf(_ x: Float) -> Float {
        #if canImport(Glibc)
            Glibc.logf(x)
        #else
            Darwin.logf(x)
        #endif
    }
}
