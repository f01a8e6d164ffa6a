#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) func expf(_ x: Float) -> Float { Float(exp(Double(x))) }
@inline(__always) func tanhf(_ x: Float) -> Float { Float(tanh(Double(x))) }
@inline(__always) func erff(_ x: Float) -> Float { Float(erf(Double(x))) }
@inline(__always) func logf(_ x: Float) -> Float { Float(log(Double(x))) }
