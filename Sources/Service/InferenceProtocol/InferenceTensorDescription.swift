import JSON
import NeuralNet

/// One entry of a request's `inputs` as sent, before it is checked: `{"name", "shape",
/// "datatype", "parameters"?: {"binary_data_size"?}, "data"?}`, members in any order.
struct InferenceTensorDescription {
    var name: String?
    var shape: [Int]?
    var datatype: String?
    var binarySize: Int?
    var data: JSONFloatTensor?

    /// Reads the object at the reader's position; `path` names it in errors (`inputs[0]`).
    init(_ reader: inout JSONReader, path: String) throws {
        guard try reader.peekKind() == .object else { throw InferenceProtocolError.wrongType(path: path, expected: "an object") }
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "name":
                name = try InferenceRequest.string(try reader.readValue(), at: "\(path).name")
            case "datatype":
                datatype = try InferenceRequest.string(try reader.readValue(), at: "\(path).datatype")
            case "shape":
                shape = try Self.readShape(&reader, path: "\(path).shape")
            case "parameters":
                let parameters = try InferenceRequest.object(try reader.readValue(), at: "\(path).parameters")
                binarySize = try Self.binarySize(parameters["binary_data_size"], path: path)
            case "data":
                guard try reader.peekKind() == .array else {
                    throw InferenceProtocolError.wrongType(path: "\(path).data", expected: "an array of numbers, flat or nested")
                }
                do {
                    data = try reader.readFloatTensor()
                } catch {
                    // BOOL and BYTES data are not numbers: name the datatype, not the first element.
                    if let datatype, let known = InferenceDatatype(rawValue: datatype), !known.isConvertible {
                        throw InferenceProtocolError.unsupportedDatatype(path: "\(path).datatype", datatype: datatype)
                    }
                    throw error
                }
            default:
                try reader.skipValue()
            }
        }
    }

    /// Reads `[d0, d1, ...]`, refusing a long, negative, fractional or huge shape as it goes.
    private static func readShape(_ reader: inout JSONReader, path: String) throws -> [Int] {
        guard try reader.peekKind() == .array else { throw InferenceProtocolError.wrongType(path: path, expected: "an array of integers") }
        try reader.beginArray()
        var shape: [Int] = []
        while try reader.nextElement() {
            guard shape.count < InferenceTensorLimits.maxRank else {
                throw InferenceProtocolError.tooManyDimensions(path: path, limit: InferenceTensorLimits.maxRank)
            }
            guard try reader.peekKind() == .number else {
                throw InferenceProtocolError.invalidDimension(path: path, value: "\(try reader.readValue())")
            }
            let value = try reader.readDouble()
            guard value >= 0, value.rounded(.towardZero) == value, value <= Double(InferenceTensorLimits.maxDimension) else {
                throw InferenceProtocolError.invalidDimension(path: path, value: "\(value)")
            }
            shape.append(Int(value))
        }
        return shape
    }

    private static func binarySize(_ value: JSONValue?, path: String) throws(InferenceProtocolError) -> Int? {
        guard let value else { return nil }
        // Up to 2^53 every integer is exact in a Double, and no body is that long.
        guard case .number(let size) = value, size >= 0, size.rounded(.towardZero) == size, size <= 9_007_199_254_740_992 else {
            throw .invalidBinarySize(path: path)
        }
        return Int(size)
    }

    /// Checks the description against the model and returns its shape and datatype.
    func check(signature: InferenceSignature, path: String) throws(InferenceProtocolError) -> (shape: [Int], datatype: InferenceDatatype) {
        guard let name else { throw .missingMember(path: "\(path).name") }
        guard name == InferenceSignature.inputName else { throw .unknownInput(name: name) }
        guard let datatype else { throw .missingMember(path: "\(path).datatype") }
        guard let known = InferenceDatatype(rawValue: datatype) else {
            throw .unknownDatatype(path: "\(path).datatype", datatype: datatype)
        }
        guard known.isConvertible else { throw .unsupportedDatatype(path: "\(path).datatype", datatype: datatype) }
        guard let shape else { throw .missingMember(path: "\(path).shape") }
        guard Tensor.elementCount(shape) != nil else { throw .shapeOverflow(path: "\(path).shape", shape: shape) }
        guard signature.accepts(shape) else { throw .shapeMismatch(shape: shape, expected: signature.inputShape) }
        switch (data, binarySize) {
        case (nil, nil): throw .noData(path: path)
        case (_?, _?): throw .dataAndBinary(path: path)
        default: return (shape, known)
        }
    }

    /// The JSON `data` as FP32, after checking it holds `shape`'s count of `datatype` values.
    func jsonValues(shape: [Int], datatype: InferenceDatatype, path: String) throws(InferenceProtocolError) -> [Float] {
        guard var values = data?.values else { throw .noData(path: path) }
        let count = Tensor.elementCount(shape) ?? 0
        guard values.count == count else { throw .dataCountMismatch(path: path, shape: shape, count: values.count) }
        if let index = datatype.conformJSON(&values) {
            throw .elementNotRepresentable(path: path, index: index, datatype: datatype.rawValue)
        }
        return values
    }

    /// The tensor in `body`'s binary part (which starts at `offset` and holds this input
    /// alone), as FP32. Sizes are checked against the shape and the body before any allocation.
    func binaryValues(
        of body: UnsafeRawBufferPointer, from offset: Int, shape: [Int], datatype: InferenceDatatype, path: String
    ) throws(InferenceProtocolError) -> [Float] {
        let size = binarySize ?? 0
        // check(signature:path:) made sure the count fits an Int; times the width may not.
        let count = Tensor.elementCount(shape) ?? 0
        let (expected, overflow) = count.multipliedReportingOverflow(by: datatype.byteWidth ?? 1)
        guard !overflow else { throw .shapeOverflow(path: "\(path).shape", shape: shape) }
        guard size == expected else { throw .binarySizeMismatch(path: path, size: size, expected: expected) }
        let available = body.count - offset
        guard size <= available else { throw .binaryPastBody(path: path, needed: size, available: available) }
        guard size == available else { throw .binaryUnclaimed(bytes: available - size) }
        let converted = datatype.floats(littleEndian: UnsafeRawBufferPointer(rebasing: body[offset..<offset + size]), count: count)
        switch converted {
        case .success(let values): return values
        case .failure(let element): throw .elementNotRepresentable(path: path, index: element.index, datatype: datatype.rawValue)
        }
    }
}
