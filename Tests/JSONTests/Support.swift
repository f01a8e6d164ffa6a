@testable import JSON

/// A location on line 1, where column = offset + 1.
func at(_ offset: Int) -> JSONLocation { JSONLocation(offset: offset, line: 1, column: offset + 1) }

/// The error parsing `text` throws, or nil when it parses.
func parseError(_ text: String, limits: JSONLimits = JSONLimits()) -> JSONError? {
    parseError(Array(text.utf8), limits: limits)
}

func parseError(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) -> JSONError? {
    do {
        _ = try JSONValue(parsing: bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

func tensorError(_ text: String, limits: JSONLimits = JSONLimits()) -> JSONError? {
    do {
        _ = try JSONFloatTensor(parsing: Array(text.utf8), limits: limits)
        return nil
    } catch {
        return error
    }
}

/// A deterministic generator (SplitMix64) so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Parses `text` as a tensor document through the given fast path: the tensor or the error.
func tensorResult(
    _ text: String, fastPath: TensorFastPath, limits: JSONLimits = JSONLimits()
) -> Result<JSONFloatTensor, JSONError> {
    Array(text.utf8).withUnsafeBufferPointer { buffer in
        var scanner = JSONScanner(buffer, position: 0)
        do throws(JSONError) {
            let tensor = try scanner.scanFloatTensor(
                maxDepth: limits.maxDepth, depth: 0, maxElements: limits.maxTensorElements, fastPath: fastPath)
            try scanner.expectEndOfDocument()
            return .success(tensor)
        } catch {
            return .failure(error)
        }
    }
}

/// A result compared bit for bit (so -0 differs from 0), with the error when there is one.
enum TensorOutcome: Equatable, CustomStringConvertible {
    case tensor(shape: [Int], bits: [UInt32])
    case error(JSONError)

    init(_ result: Result<JSONFloatTensor, JSONError>) {
        switch result {
        case .success(let tensor): self = .tensor(shape: tensor.shape, bits: tensor.values.map(\.bitPattern))
        case .failure(let error): self = .error(error)
        }
    }

    /// The shape, when it is a tensor.
    var shape: [Int]? {
        guard case .tensor(let shape, _) = self else { return nil }
        return shape
    }

    var description: String {
        switch self {
        case .tensor(let shape, let bits): "tensor \(shape) \(bits.prefix(8))…"
        case .error(let error): "error \(error)"
        }
    }
}

/// `bytes` with one to three random edits: a byte replaced by, or a byte inserted from,
/// `interesting`, or a byte removed. Never empty.
func mutated(_ bytes: [UInt8], from interesting: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
    var bytes = bytes
    for _ in 0..<Int.random(in: 1...3, using: &generator) {
        let index = Int.random(in: 0..<bytes.count, using: &generator)
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: bytes[index] = interesting.randomElement(using: &generator)!
        case 1: bytes.remove(at: index)
        default: bytes.insert(interesting.randomElement(using: &generator)!, at: index)
        }
        if bytes.isEmpty { bytes = [0x20] }
    }
    return bytes
}

/// The significant digits of a non-negative number's Swift description and the decimal
/// exponent of the first one: "0.00123" → ("123", -3), "1e-05" → ("1", -5), "1.0" → ("10", 0).
func decimalDigits(ofDescription text: String) -> (String, Int) {
    let parts = text.split(separator: "e")
    var exponent = parts.count > 1 ? Int(parts[1])! : 0
    let mantissa = parts[0]
    let point = mantissa.firstIndex(of: ".") ?? mantissa.endIndex
    exponent += mantissa.distance(from: mantissa.startIndex, to: point) - 1
    var digits = String(mantissa.filter { $0 != "." })
    while digits.hasPrefix("0") && digits.count > 1 {
        digits.removeFirst()
        exponent -= 1
    }
    return (digits, exponent)
}
