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

    /// The inverse error function on (−1, 1): Giles' single-precision approximation
    /// ("Approximating the erfinv function", GPU Computing Gems, 2011) as a start, then two
    /// Newton steps on `erf(y) − x`, which bring it to double precision. ±1 give ±∞.
    static func erfinv(_ x: Double) -> Double {
        if x <= -1 { return -.infinity }
        if x >= 1 { return .infinity }
        var w = -log((1 - x) * (1 + x))
        var p: Double
        if w < 5 {
            w -= 2.5
            p = 2.81022636e-08
            for c in [3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941] {
                p = c + p * w
            }
        } else {
            w = w.squareRoot() - 3
            p = -0.000200214257
            for c in [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682] {
                p = c + p * w
            }
        }
        var y = p * x
        let twoOverSqrtPi = 1.1283791670955126
        for _ in 0..<2 {
            let e = erf(y) - x
            y -= e / (twoOverSqrtPi * exp(-y * y))
        }
        return y
    }
}
