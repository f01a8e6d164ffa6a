import JSON
import Kernels

/// The tensor datatypes of the Open Inference Protocol, and how paramd reads each as Float32,
/// the only type its models compute in.
///
/// FP32 is taken as it is. FP16, BF16 and FP64 are rounded to the nearest Float32 (an FP64
/// value beyond Float32's range is refused). Integers (INT8–INT64, UINT8–UINT64) become the
/// nearest Float32, so integers above 2^24 may round. BOOL and BYTES are refused. In JSON, an
/// element must be a number the datatype can hold: `1.5` is refused for INT8, `300` for UINT8.
enum InferenceDatatype: String, CaseIterable, Sendable {
    case bool = "BOOL"
    case uint8 = "UINT8", uint16 = "UINT16", uint32 = "UINT32", uint64 = "UINT64"
    case int8 = "INT8", int16 = "INT16", int32 = "INT32", int64 = "INT64"
    case fp16 = "FP16", bf16 = "BF16", fp32 = "FP32", fp64 = "FP64"
    case bytes = "BYTES"

    /// Bytes per element in the binary part; nil for BYTES (each element is length-prefixed).
    var byteWidth: Int? {
        switch self {
        case .bool, .uint8, .int8: 1
        case .uint16, .int16, .fp16, .bf16: 2
        case .uint32, .int32, .fp32: 4
        case .uint64, .int64, .fp64: 8
        case .bytes: nil
        }
    }

    /// Whether paramd converts this datatype to FP32.
    var isConvertible: Bool { self != .bool && self != .bytes }

    /// The convertible names, for error messages.
    static let convertibleNames = allCases.filter(\.isConvertible).map(\.rawValue).joined(separator: ", ")

    /// The inclusive range of an integer datatype, as Float32 rounds its ends; nil for floats.
    private var integerRange: ClosedRange<Float>? {
        switch self {
        case .uint8: 0...Float(UInt8.max)
        case .uint16: 0...Float(UInt16.max)
        case .uint32: 0...Float(UInt32.max)
        case .uint64: 0...Float(UInt64.max)
        case .int8: Float(Int8.min)...Float(Int8.max)
        case .int16: Float(Int16.min)...Float(Int16.max)
        case .int32: Float(Int32.min)...Float(Int32.max)
        case .int64: Float(Int64.min)...Float(Int64.max)
        default: nil
        }
    }

    /// Checks JSON `data` already parsed as Float32 against this datatype, rounding FP16 and
    /// BF16 values to their precision first, as the sender's tensor holds them.
    /// - Returns: the index of the first element the datatype cannot hold, or nil.
    func conformJSON(_ values: inout [Float]) -> Int? {
        if let range = integerRange {
            return values.firstIndex { !range.contains($0) || $0.rounded(.towardZero) != $0 }
        }
        switch self {
        case .fp16:
            for index in values.indices {
                let rounded = Float(Float16(values[index]))
                guard rounded.isFinite else { return index }
                values[index] = rounded
            }
        case .bf16:
            for index in values.indices {
                let rounded = Self.roundedToBF16(values[index])
                guard rounded.isFinite else { return index }
                values[index] = rounded
            }
        default:
            break
        }
        return nil
    }

    /// Reads `count` little-endian elements of this datatype from `bytes` (which holds exactly
    /// `count × byteWidth` bytes) as Float32.
    /// - Returns: the values, or the index of the first that is not finite as Float32.
    func floats(littleEndian bytes: UnsafeRawBufferPointer, count: Int) -> Result<[Float], NonFiniteElement> {
        precondition(byteWidth.map { $0 * count == bytes.count } ?? false, "\(rawValue) needs \(count) elements' bytes")
        // fp32 is copied as it is, a batch into a kept array (no fresh pages to fault in).
        let values = self == .fp32 ? FloatArrayPool.shared.floats(copying: bytes) : converted(littleEndian: bytes, count: count)
        if let index = firstNonFinite(values) { return .failure(NonFiniteElement(index: index)) }
        return .success(values)
    }

    /// `count` elements of this type from `bytes`, as Float32 values.
    private func converted(littleEndian bytes: UnsafeRawBufferPointer, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { target, initialized in
            func fill(_ convert: (Int) -> Float) {
                for index in 0..<count { target[index] = convert(index) }
            }
            switch self {
            case .fp64:
                fill { Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)))) }
            case .fp16:
                fill { Float(Float16(bitPattern: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)))) }
            case .bf16:
                fill { Float(bitPattern: UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))) << 16) }
            case .uint8: fill { Float(bytes[$0]) }
            case .int8: fill { Float(Int8(bitPattern: bytes[$0])) }
            case .uint16: fill { Float(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))) }
            case .int16: fill { Float(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self))) }
            case .uint32: fill { Float(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            case .int32: fill { Float(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self))) }
            case .uint64: fill { Float(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
            case .int64: fill { Float(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self))) }
            case .fp32: preconditionFailure("fp32 is copied as it is (floats(littleEndian:count:))")
            case .bool, .bytes: preconditionFailure("\(rawValue) is not convertible")
            }
            initialized = count
        }
    }

    /// Where a converted tensor first holds a NaN or an infinity.
    struct NonFiniteElement: Error {
        let index: Int
    }

    /// `value` rounded to bfloat16 precision (nearest, ties to even), as Float32.
    static func roundedToBF16(_ value: Float) -> Float {
        guard value.isFinite else { return value }
        let bits = value.bitPattern
        let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
        return Float(bitPattern: rounded & 0xFFFF_0000)
    }
}
