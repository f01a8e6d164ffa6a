import NeuralNet

/// Why an Open Inference Protocol request was refused: one case per reason, so tests assert the
/// exact case, and a sentence (``description``) for the protocol's `{"error": "..."}` body.
///
/// Every case is a 400 except ``unknownVersion`` (404): the protocol has no 422, and Triton
/// answers every malformed or inapplicable request with 400.
enum InferenceProtocolError: Error, Sendable, Equatable {
    // Framing (binary tensor data extension)
    /// `Inference-Header-Content-Length` is not a decimal count of bytes.
    case invalidHeaderLength(String)
    /// `Inference-Header-Content-Length` says the JSON part is longer than the whole body.
    case headerLengthPastBody(headerLength: Int, bodyLength: Int)
    /// `Inference-Header-Content-Length: 0`: Triton's raw form without JSON, which paramd does not take.
    case headerLengthZero

    // The JSON document
    /// The document is not an object, or a member has the wrong JSON type.
    case wrongType(path: String, expected: String)
    /// A required member is absent.
    case missingMember(path: String)
    /// A tensor shape with more dimensions than ``InferenceTensorLimits/maxRank``.
    case tooManyDimensions(path: String, limit: Int)
    /// A dimension that is negative, fractional or larger than ``InferenceTensorLimits/maxDimension``.
    case invalidDimension(path: String, value: String)
    /// A shape whose product of dimensions overflows.
    case shapeOverflow(path: String, shape: [Int])
    /// A `datatype` the protocol does not define.
    case unknownDatatype(path: String, datatype: String)
    /// A `datatype` of the protocol that paramd cannot convert to FP32 (BOOL, BYTES).
    case unsupportedDatatype(path: String, datatype: String)
    /// An input with both `data` and `binary_data_size`, or with neither.
    case dataAndBinary(path: String)
    case noData(path: String)
    /// `data` holds a different number of elements than the shape says.
    case dataCountMismatch(path: String, shape: [Int], count: Int)
    /// A `data` element that is not a number of the datatype (`1.5` for INT8, `300` for UINT8,
    /// `1e5` for FP16) or is not finite once converted.
    case elementNotRepresentable(path: String, index: Int, datatype: String)
    /// `binary_data_size` that is not shape × element size.
    case binarySizeMismatch(path: String, size: Int, expected: Int)
    /// A `binary_data_size` that is not a non-negative integer.
    case invalidBinarySize(path: String)
    /// A binary input with no `Inference-Header-Content-Length` to find it by.
    case binaryWithoutHeaderLength(path: String)
    /// Binary tensors that need more bytes than the body has after the JSON part.
    case binaryPastBody(path: String, needed: Int, available: Int)
    /// Bytes after the JSON part that no input claims.
    case binaryUnclaimed(bytes: Int)

    // Against the model
    case inputCount(found: Int)
    case unknownInput(name: String)
    case unknownOutput(name: String)
    case duplicateOutput(name: String)
    /// The input's shape does not fit the model's input shape (`-1` matches any size).
    case shapeMismatch(shape: [Int], expected: [Int])
    /// An output parameter paramd does not implement (e.g. `classification`).
    case unsupportedParameter(path: String)
    /// A `/versions/{v}` segment other than the model's current version.
    case unknownVersion(model: String, requested: String, current: Int)
}

extension InferenceProtocolError: CustomStringConvertible {
    var description: String {
        switch self {
        case .invalidHeaderLength(let value):
            "Inference-Header-Content-Length must be the decimal byte length of the JSON part, got \(value.debugDescription)"
        case .headerLengthPastBody(let header, let body):
            "Inference-Header-Content-Length is \(header) but the body has only \(body) bytes"
        case .headerLengthZero:
            "Inference-Header-Content-Length: 0 (a body without its JSON part) is not supported; send the JSON inference request first"
        case .wrongType(let path, let expected):
            "\(path) must be \(expected)"
        case .missingMember(let path):
            "\(path) is required"
        case .tooManyDimensions(let path, let limit):
            "\(path) has more than \(limit) dimensions"
        case .invalidDimension(let path, let value):
            "\(path) must hold non-negative integers no larger than \(InferenceTensorLimits.maxDimension), got \(value)"
        case .shapeOverflow(let path, let shape):
            "\(path) \(shape) has more elements than can be counted"
        case .unknownDatatype(let path, let datatype):
            "\(path) \(datatype.debugDescription) is not a datatype of the protocol; paramd takes \(InferenceDatatype.convertibleNames)"
        case .unsupportedDatatype(let path, let datatype):
            "\(path) \(datatype) cannot be converted to FP32; paramd takes \(InferenceDatatype.convertibleNames)"
        case .dataAndBinary(let path):
            "\(path) has both data and parameters.binary_data_size; send one"
        case .noData(let path):
            "\(path) needs data, or parameters.binary_data_size with the tensor in the binary part"
        case .dataCountMismatch(let path, let shape, let count):
            "\(path).data holds \(count) elements but shape \(shape) needs \(Tensor.elementCount(shape) ?? 0)"
        case .elementNotRepresentable(let path, let index, let datatype):
            "\(path).data element \(index) is not a \(datatype) value that converts to a finite FP32 (integer types take whole numbers in their range)"
        case .binarySizeMismatch(let path, let size, let expected):
            "\(path).parameters.binary_data_size is \(size) but its shape and datatype make \(expected) bytes"
        case .invalidBinarySize(let path):
            "\(path).parameters.binary_data_size must be a non-negative integer"
        case .binaryWithoutHeaderLength(let path):
            "\(path) is binary (binary_data_size) but the request has no Inference-Header-Content-Length"
        case .binaryPastBody(let path, let needed, let available):
            "\(path) needs \(needed) bytes of binary data but only \(available) remain after the JSON part"
        case .binaryUnclaimed(let bytes):
            "\(bytes) bytes after the JSON part belong to no input"
        case .inputCount(let found):
            "this model takes exactly one input, \"\(InferenceSignature.inputName)\"; the request has \(found)"
        case .unknownInput(let name):
            "unknown input \(name.debugDescription); this model's input is \"\(InferenceSignature.inputName)\""
        case .unknownOutput(let name):
            "unknown output \(name.debugDescription); this model's output is \"\(InferenceSignature.outputName)\""
        case .duplicateOutput(let name):
            "output \(name.debugDescription) is requested twice"
        case .shapeMismatch(let shape, let expected):
            "input \"\(InferenceSignature.inputName)\" has shape \(shape) but the model takes \(expected) (-1: any size)"
        case .unsupportedParameter(let path):
            "\(path) is not supported by paramd"
        case .unknownVersion(let model, let requested, let current):
            "model \(model.debugDescription) has no version \(requested.debugDescription); its current version is \(current)"
        }
    }
}
