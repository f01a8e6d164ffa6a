import JSON
import NeuralNet
import Testing
@testable import Service

/// Decoding Open Inference Protocol requests, well-formed and hostile, against a model that
/// takes `[-1, 4]`: every refusal names its exact reason, and no claimed size is allocated
/// before it is checked against the bytes that carry it.
struct InferenceRequestDecodingTests {
    static let signature = InferenceSignature(
        try! Model(
            spec: try! JSONValue(parsing: Array(#"{"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 3}]}"#.utf8)),
            seed: 0))

    /// The body and header length of a request whose JSON part is `json` and binary part `binary`.
    static func framed(_ json: String, _ binary: [UInt8]) -> (body: [UInt8], headerLength: String) {
        (Array(json.utf8) + binary, String(json.utf8.count))
    }

    static func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
    }

    static func decode(_ json: String, binary: [UInt8]? = nil, headerLength: String? = nil) throws -> InferenceRequest {
        guard let binary else { return try InferenceRequest(body: Array(json.utf8), headerLength: headerLength, signature: signature) }
        let (body, length) = framed(json, binary)
        return try InferenceRequest(body: body, headerLength: headerLength ?? length, signature: signature)
    }

    static func refusal(_ json: String, binary: [UInt8]? = nil, headerLength: String? = nil) -> InferenceProtocolError? {
        do {
            _ = try decode(json, binary: binary, headerLength: headerLength)
            return nil
        } catch let error as InferenceProtocolError {
            return error
        } catch {
            Issue.record("expected an InferenceProtocolError, got \(error)")
            return nil
        }
    }

    static func input(_ members: String) -> String { #"{"inputs": [{"name": "input", "# + members + "}]}" }

    // MARK: Well-formed

    @Test func flatAndNestedDataGiveTheSameTensor() throws {
        let flat = try Self.decode(Self.input(#""shape": [2, 4], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6, 7, 8]"#))
        let nested = try Self.decode(Self.input(#""data": [[1, 2, 3, 4], [5, 6, 7, 8]], "datatype": "FP32", "shape": [2, 4]"#))
        #expect(flat.inputs.shape == [2, 4])
        #expect(flat.inputs.scalars == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(nested.inputs.scalars == flat.inputs.scalars)
        #expect(flat.id == nil && !flat.outputIsBinary)
    }

    @Test func idAndUnknownMembersAndParameters() throws {
        let request = try Self.decode(
            #"""
            {"id": "abc", "model_name": "m", "parameters": {"priority": 1},
             "inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "parameters": {"x": 1}, "data": [1, 2, 3, 4]}]}
            """#)
        #expect(request.id == "abc")
    }

    @Test(arguments: [
        (#""parameters": {"binary_data_output": true}"#, "", true),
        (
            #""parameters": {"binary_data_output": true}"#, #", "outputs": [{"name": "output", "parameters": {"binary_data": false}}]"#,
            false
        ),
        ("", #", "outputs": [{"name": "output", "parameters": {"binary_data": true}}]"#, true),
        ("", #", "outputs": [{"name": "output"}]"#, false),
        (#""parameters": {"binary_data_output": true}"#, #", "outputs": [{"name": "output"}]"#, true)
    ])
    func outputBinaryFlagFollowsTheOutputThenTheRequest(_ parameters: String, _ outputs: String, _ binary: Bool) throws {
        let prefix = parameters.isEmpty ? "" : parameters + ", "
        let json =
            "{" + prefix + #""inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]"# + outputs + "}"
        #expect(try Self.decode(json).outputIsBinary == binary)
    }

    @Test func binaryFP32IsTakenAsItIs() throws {
        let values: [Float] = [0.1, -2, 3.5, 1e-30, 5, 6, 7, 8]
        let request = try Self.decode(
            Self.input(#""shape": [2, 4], "datatype": "FP32", "parameters": {"binary_data_size": 32}"#), binary: Self.floatBytes(values))
        #expect(request.inputs.scalars.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func binaryIntegersAndHalvesAreConverted() throws {
        let int64: [Int64] = [-3, 0, 1 << 40, Int64.max]
        let bytes = int64.flatMap { value in withUnsafeBytes(of: value.littleEndian, Array.init) }
        let request = try Self.decode(
            Self.input(#""shape": [1, 4], "datatype": "INT64", "parameters": {"binary_data_size": 32}"#), binary: bytes)
        #expect(request.inputs.scalars == int64.map(Float.init))

        let halves: [Float16] = [1.5, -0.25, 65504, 0.000061035156]
        let halfBytes = halves.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        let fp16 = try Self.decode(
            Self.input(#""shape": [1, 4], "datatype": "FP16", "parameters": {"binary_data_size": 8}"#), binary: halfBytes)
        #expect(fp16.inputs.scalars == halves.map(Float.init))

        // bfloat16 is the top half of a float32.
        let bf16: [UInt16] = [0x3FC0, 0xBF80, 0x4120, 0x0000]
        let bfBytes = bf16.flatMap { value in withUnsafeBytes(of: value.littleEndian, Array.init) }
        let bf = try Self.decode(
            Self.input(#""shape": [1, 4], "datatype": "BF16", "parameters": {"binary_data_size": 8}"#), binary: bfBytes)
        #expect(bf.inputs.scalars == [1.5, -1, 10, 0])
    }

    @Test func jsonFP16ValuesAreRoundedToHalfPrecision() throws {
        let request = try Self.decode(Self.input(#""shape": [1, 4], "datatype": "FP16", "data": [0.1, 1, 2, 3]"#))
        #expect(request.inputs.scalars[0] == Float(Float16(0.1)))
    }

    @Test func headerLengthIsMatchedWhateverItsCaseAndSpaces() throws {
        let (body, length) = Self.framed(
            Self.input(#""shape": [1, 4], "datatype": "FP32", "parameters": {"binary_data_size": 16}"#), Self.floatBytes([1, 2, 3, 4]))
        let request = try InferenceRequest(body: body, headerLength: " \(length) ", signature: Self.signature)
        #expect(request.inputs.scalars == [1, 2, 3, 4])
    }

    // MARK: Framing

    @Test(arguments: ["", "abc", "-1", "+5", "0x10", "1 2", "12abc", "1234567890123456789", "99999999999999999999999"])
    func garbageHeaderLengthsAreRefused(_ value: String) {
        #expect(throws: InferenceProtocolError.invalidHeaderLength(value)) {
            _ = try InferenceBodyFraming(bodyLength: 100, headerValue: value)
        }
    }

    @Test func headerLengthPastTheBodyOrZeroIsRefused() {
        #expect(throws: InferenceProtocolError.headerLengthPastBody(headerLength: 101, bodyLength: 100)) {
            _ = try InferenceBodyFraming(bodyLength: 100, headerValue: "101")
        }
        #expect(throws: InferenceProtocolError.headerLengthZero) {
            _ = try InferenceBodyFraming(bodyLength: 100, headerValue: "0")
        }
        let whole = try? InferenceBodyFraming(bodyLength: 100, headerValue: "100")
        #expect(whole?.jsonLength == 100 && whole?.hasBinaryPart == true)
    }

    @Test func aHeaderLengthCuttingTheJSONShortIsAJSONError() {
        #expect(throws: JSONError.self) {
            _ = try Self.decode(Self.input(#""shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]"#), binary: [], headerLength: "20")
        }
    }

    // MARK: Hostile and wrong requests

    static let binary4 = #""shape": [1, 4], "datatype": "FP32", "parameters": {"binary_data_size": 16}"#

    @Test func binarySizesMustMatchTheShapeAndTheBody() {
        #expect(
            Self.refusal(
                Self.input(#""shape": [1, 4], "datatype": "FP32", "parameters": {"binary_data_size": 12}"#),
                binary: Self.floatBytes([1, 2, 3]))
                == .binarySizeMismatch(path: "inputs[0]", size: 12, expected: 16))
        #expect(
            Self.refusal(Self.input(Self.binary4), binary: Self.floatBytes([1, 2, 3]))
                == .binaryPastBody(path: "inputs[0]", needed: 16, available: 12))
        #expect(Self.refusal(Self.input(Self.binary4), binary: Self.floatBytes([1, 2, 3, 4, 5])) == .binaryUnclaimed(bytes: 4))
        #expect(
            Self.refusal(Self.input(#""shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]"#), binary: [0, 0])
                == .binaryUnclaimed(bytes: 2))
        #expect(Self.refusal(Self.input(Self.binary4)) == .binaryWithoutHeaderLength(path: "inputs[0]"))
        #expect(Self.refusal(Self.input(Self.binary4 + #", "data": [1, 2, 3, 4]"#)) == .dataAndBinary(path: "inputs[0]"))
        #expect(Self.refusal(Self.input(#""shape": [1, 4], "datatype": "FP32""#)) == .noData(path: "inputs[0]"))
    }

    @Test(arguments: ["-1", "1.5", "1e300", "\"16\"", "null"])
    func binarySizesMustBeNonNegativeIntegers(_ size: String) {
        let json = Self.input(#""shape": [1, 4], "datatype": "FP32", "parameters": {"binary_data_size": "# + size + "}")
        #expect(Self.refusal(json, binary: Self.floatBytes([1, 2, 3, 4])) == .invalidBinarySize(path: "inputs[0]"))
    }

    /// A shape claiming 2^40 rows with a binary size to match: refused by the body's length,
    /// with nothing allocated for the claim (this test would exhaust memory otherwise).
    @Test func hugeClaimsAreRefusedBeforeAllocation() {
        let rows = 1 << 40
        let claim = Self.input(#""shape": [\#(rows), 4], "datatype": "FP32", "parameters": {"binary_data_size": \#(rows * 16)}"#)
        #expect(
            Self.refusal(claim, binary: Self.floatBytes([1, 2, 3, 4]))
                == .binaryPastBody(path: "inputs[0]", needed: rows * 16, available: 16))
        let jsonClaim = Self.input(#""shape": [\#(rows), 4], "datatype": "FP32", "data": [1, 2, 3, 4]"#)
        #expect(Self.refusal(jsonClaim) == .dataCountMismatch(path: "inputs[0]", shape: [rows, 4], count: 4))
    }

    @Test func shapesWhoseProductOverflowsAreRefused() {
        // Each dimension within bounds, their product past Int.max.
        let shape = "[1099511627776, 1099511627776]"
        let json = #"{"inputs": [{"name": "input", "shape": \#(shape), "datatype": "FP32", "data": [1]}]}"#
        #expect(Self.refusal(json) == .shapeOverflow(path: "inputs[0].shape", shape: [1 << 40, 1 << 40]))
    }

    @Test(arguments: ["[-1, 4]", "[1.5, 4]", "[1e300, 4]", #"["2", 4]"#, "[null, 4]", "[2199023255552, 4]"])
    func dimensionsMustBeSmallNonNegativeIntegers(_ shape: String) {
        let error = Self.refusal(Self.input(#""shape": \#(shape), "datatype": "FP32", "data": [1, 2, 3, 4]"#))
        guard case .invalidDimension(let path, _)? = error else {
            Issue.record("expected invalidDimension, got \(String(describing: error))")
            return
        }
        #expect(path == "inputs[0].shape")
    }

    @Test func shapesHaveAtMostEightDimensions() {
        let json = Self.input(#""shape": [1, 1, 1, 1, 1, 1, 1, 1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]"#)
        #expect(Self.refusal(json) == .tooManyDimensions(path: "inputs[0].shape", limit: 8))
    }

    @Test func shapesMustFitTheModel() {
        #expect(
            Self.refusal(Self.input(#""shape": [1, 5], "datatype": "FP32", "data": [1, 2, 3, 4, 5]"#))
                == .shapeMismatch(shape: [1, 5], expected: [-1, 4]))
        #expect(
            Self.refusal(Self.input(#""shape": [4], "datatype": "FP32", "data": [1, 2, 3, 4]"#))
                == .shapeMismatch(shape: [4], expected: [-1, 4]))
        #expect(
            Self.refusal(Self.input(#""shape": [1, 1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]"#))
                == .shapeMismatch(shape: [1, 1, 4], expected: [-1, 4]))
    }

    @Test func anEmptyBatchIsRefused() {
        #expect(throws: Problem.self) {
            _ = try Self.decode(Self.input(#""shape": [0, 4], "datatype": "FP32", "data": []"#))
        }
    }

    @Test(arguments: ["FP8", "fp32", "FLOAT", "", "STRING"])
    func unknownDatatypesAreRefused(_ datatype: String) {
        let json = Self.input(#""shape": [1, 4], "datatype": "\#(datatype)", "data": [1, 2, 3, 4]"#)
        #expect(Self.refusal(json) == .unknownDatatype(path: "inputs[0].datatype", datatype: datatype))
    }

    @Test func boolAndBytesAreRefusedByName() {
        #expect(
            Self.refusal(Self.input(#""shape": [1, 4], "datatype": "BOOL", "data": [true, false, true, true]"#))
                == .unsupportedDatatype(path: "inputs[0].datatype", datatype: "BOOL"))
        #expect(
            Self.refusal(Self.input(#""shape": [1, 4], "datatype": "BYTES", "data": ["a", "b", "c", "d"]"#))
                == .unsupportedDatatype(path: "inputs[0].datatype", datatype: "BYTES"))
        #expect(
            Self.refusal(Self.input(#""shape": [1, 4], "datatype": "BOOL", "parameters": {"binary_data_size": 4}"#), binary: [1, 0, 1, 1])
                == .unsupportedDatatype(path: "inputs[0].datatype", datatype: "BOOL"))
    }

    @Test(arguments: [
        (#""shape": [2, 4], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6, 7]"#, 7),
        (#""shape": [2, 4], "datatype": "FP32", "data": [[1, 2, 3, 4]]"#, 4),
        (#""shape": [1, 4], "datatype": "FP32", "data": [[1, 2, 3, 4], [5, 6, 7, 8]]"#, 8)
    ])
    func dataMustHoldTheShapesCount(_ members: String, _ count: Int) {
        guard case .dataCountMismatch(_, _, let found)? = Self.refusal(Self.input(members)) else {
            Issue.record("expected dataCountMismatch")
            return
        }
        #expect(found == count)
    }

    @Test(arguments: [
        ("INT8", "[1, 2, 300, 4]", 2), ("UINT8", "[1, -1, 3, 4]", 1), ("INT32", "[1, 2, 3, 4.5]", 3),
        ("UINT64", "[1e20, 2, 3, 4]", 0), ("FP16", "[1, 2, 3, 70000]", 3), ("BF16", "[1, 2, 3.4e38, 4]", 2)
    ])
    func jsonElementsMustFitTheirDatatype(_ datatype: String, _ data: String, _ index: Int) {
        let json = Self.input(#""shape": [1, 4], "datatype": "\#(datatype)", "data": \#(data)"#)
        #expect(Self.refusal(json) == .elementNotRepresentable(path: "inputs[0]", index: index, datatype: datatype))
    }

    @Test func binaryValuesThatAreNotFiniteAsFP32AreRefused() {
        let doubles: [Double] = [1, 2, 1e300, 4]
        let bytes = doubles.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        #expect(
            Self.refusal(Self.input(#""shape": [1, 4], "datatype": "FP64", "parameters": {"binary_data_size": 32}"#), binary: bytes)
                == .elementNotRepresentable(path: "inputs[0]", index: 2, datatype: "FP64"))
        let nan = Self.floatBytes([1, .nan, 3, 4])
        #expect(
            Self.refusal(Self.input(Self.binary4), binary: nan) == .elementNotRepresentable(path: "inputs[0]", index: 1, datatype: "FP32"))
        let infinity: [UInt8] = [0, 0x3C, 0, 0x7C, 0, 0, 0, 0]  // FP16 1.0, +inf, 0, 0
        #expect(
            Self.refusal(Self.input(#""shape": [1, 4], "datatype": "FP16", "parameters": {"binary_data_size": 8}"#), binary: infinity)
                == .elementNotRepresentable(path: "inputs[0]", index: 1, datatype: "FP16"))
    }

    @Test func inputsAndOutputsMustNameTheModelsTensors() {
        let data = #""shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]"#
        #expect(Self.refusal(#"{"inputs": [{"name": "x", \#(data)}]}"#) == .unknownInput(name: "x"))
        #expect(Self.refusal(#"{"inputs": [{\#(data)}]}"#) == .missingMember(path: "inputs[0].name"))
        #expect(Self.refusal(#"{"inputs": []}"#) == .inputCount(found: 0))
        #expect(Self.refusal(#"{"inputs": [{"name": "input", \#(data)}, {"name": "input", \#(data)}]}"#) == .inputCount(found: 2))
        #expect(Self.refusal(#"{"id": "1"}"#) == .missingMember(path: "inputs"))
        #expect(Self.refusal(#"{"inputs": [{"name": "input", \#(data)}], "outputs": [{"name": "y"}]}"#) == .unknownOutput(name: "y"))
        #expect(
            Self.refusal(#"{"inputs": [{"name": "input", \#(data)}], "outputs": [{"name": "output"}, {"name": "output"}]}"#)
                == .duplicateOutput(name: "output"))
        #expect(
            Self.refusal(
                #"{"inputs": [{"name": "input", \#(data)}], "outputs": [{"name": "output", "parameters": {"classification": 2}}]}"#)
                == .unsupportedParameter(path: "outputs[0].parameters.classification"))
    }

    @Test(arguments: [
        (#"[1, 2]"#, InferenceProtocolError.wrongType(path: "the request", expected: "a JSON object")),
        (#"{"inputs": {}}"#, .wrongType(path: "inputs", expected: "an array")),
        (#"{"inputs": [1]}"#, .wrongType(path: "inputs[0]", expected: "an object")),
        (#"{"id": 5, "inputs": []}"#, .wrongType(path: "id", expected: "a string")),
        (
            #"{"parameters": {"binary_data_output": 1}, "inputs": []}"#,
            .wrongType(path: "parameters.binary_data_output", expected: "true or false")
        ),
        (#"{"inputs": [{"name": 3}]}"#, .wrongType(path: "inputs[0].name", expected: "a string")),
        (#"{"inputs": [{"name": "input", "shape": 4}]}"#, .wrongType(path: "inputs[0].shape", expected: "an array of integers")),
        (
            #"{"inputs": [{"name": "input", "data": 5}]}"#,
            .wrongType(path: "inputs[0].data", expected: "an array of numbers, flat or nested")
        )
    ])
    func wrongJSONTypesAreNamed(_ json: String, _ expected: InferenceProtocolError) {
        #expect(Self.refusal(json) == expected)
    }
}
