public import JSON

/// Why a safetensors file was refused, or could not be written.
public enum SafeTensorsError: Error, Sendable, Equatable {
    /// Fewer than the 8 bytes of the header length.
    case missingHeaderLength(fileSize: Int)
    /// The declared header is larger than the limit.
    case headerTooLarge(length: UInt64, limit: Int)
    /// The declared header runs past the end of the file.
    case headerBeyondFile(length: UInt64, available: Int)
    /// The header does not start with `{`.
    case headerNotAnObject
    /// The header is not valid JSON (duplicate keys included).
    case invalidHeaderJSON(JSONError)
    /// `__metadata__` is not an object of strings.
    case invalidMetadata
    /// A tensor entry lacks `dtype`, `shape` or `data_offsets`.
    case missingField(tensor: String, field: String)
    /// A tensor entry has a field the format does not define.
    case unknownField(tensor: String, field: String)
    /// A tensor entry is not an object, or a field has the wrong JSON type.
    case invalidField(tensor: String, field: String)
    /// A dtype that is not one of the format's.
    case unknownDType(tensor: String, dtype: String)
    /// A dtype of the format that does not convert to Float32 (integers, booleans, 8-bit floats).
    case unsupportedDType(tensor: String, dtype: String)
    /// A finite F64 value beyond Float32's range, at this flat index.
    case valueOutOfRange(tensor: String, index: Int)
    /// A shape with a negative or fractional dimension, or an element count that overflows.
    case invalidShape(tensor: String)
    /// Offsets that are not two non-negative integers with begin ≤ end.
    case invalidOffsets(tensor: String)
    /// The offsets' span differs from the shape's element count × 4 bytes.
    case sizeMismatch(tensor: String, expectedBytes: Int, actualBytes: Int)
    /// The tensor's data ends past the end of the buffer.
    case offsetsBeyondBuffer(tensor: String, end: Int, bufferSize: Int)
    /// Two tensors share bytes.
    case overlappingTensors(String, String)
    /// Bytes of the buffer that no tensor covers, starting at `offset`.
    case uncoveredBytes(offset: Int)
    /// Encoding: two tensors with one name.
    case duplicateName(String)
    /// Encoding: a tensor named `__metadata__`.
    case reservedName
    /// Encoding: the values do not fill the shape.
    case valueCountMismatch(tensor: String, shape: [Int], count: Int)
}

extension SafeTensorsError: CustomStringConvertible {
    /// A sentence naming the tensor and the broken rule.
    public var description: String {
        switch self {
        case .missingHeaderLength(let size):
            return "a safetensors file starts with an 8-byte header length, but the file has \(size) bytes"
        case .headerTooLarge(let length, let limit):
            return "the safetensors header declares \(length) bytes, more than the limit of \(limit)"
        case .headerBeyondFile(let length, let available):
            return "the safetensors header declares \(length) bytes but only \(available) follow"
        case .headerNotAnObject:
            return "the safetensors header must be a JSON object starting with '{'"
        case .invalidHeaderJSON(let error):
            return "the safetensors header is not valid JSON: \(error)"
        case .invalidMetadata:
            return "__metadata__ must be an object whose values are strings"
        case .missingField(let tensor, let field):
            return "tensor \"\(tensor)\" has no \"\(field)\""
        case .unknownField(let tensor, let field):
            return "tensor \"\(tensor)\" has an unknown field \"\(field)\""
        case .invalidField(let tensor, let field):
            return "tensor \"\(tensor)\" has an invalid \"\(field)\""
        case .unknownDType(let tensor, let dtype):
            return "tensor \"\(tensor)\" has dtype \(dtype.debugDescription), which is not a safetensors dtype"
        case .unsupportedDType(let tensor, let dtype):
            return "tensor \"\(tensor)\" has dtype \(dtype); only F32, F16, BF16 and F64 convert to float32"
        case .valueOutOfRange(let tensor, let index):
            return "tensor \"\(tensor)\" has a value at flat index \(index) beyond the range of float32"
        case .invalidShape(let tensor):
            return "tensor \"\(tensor)\" has a shape that is not a list of non-negative integers of a sane size"
        case .invalidOffsets(let tensor):
            return "tensor \"\(tensor)\" needs data_offsets [begin, end] with 0 ≤ begin ≤ end"
        case .sizeMismatch(let tensor, let expected, let actual):
            return "tensor \"\(tensor)\" needs \(expected) bytes for its shape but its offsets span \(actual)"
        case .offsetsBeyondBuffer(let tensor, let end, let size):
            return "tensor \"\(tensor)\" ends at byte \(end) of a \(size)-byte data buffer"
        case .overlappingTensors(let first, let second):
            return "tensors \"\(first)\" and \"\(second)\" overlap in the data buffer"
        case .uncoveredBytes(let offset):
            return "the data buffer has bytes from offset \(offset) that belong to no tensor"
        case .duplicateName(let name):
            return "two tensors are named \"\(name)\""
        case .reservedName:
            return "no tensor may be named __metadata__"
        case .valueCountMismatch(let tensor, let shape, let count):
            return "tensor \"\(tensor)\" has \(count) values, which do not fill shape \(shape)"
        }
    }
}
