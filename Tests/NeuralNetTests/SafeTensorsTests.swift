import JSON
import Testing
@testable import NeuralNet

/// The safetensors codec: byte-exact interop with the reference writer, round trips, and
/// refusal of every malformed or hostile file with the reason named.
struct SafeTensorsTests {
    /// Written by `safetensors.numpy.save` 0.8.0 for the tensors below, metadata {"format": "pt"}.
    static let referenceFile = bytes(
        hex: "a0000000000000007b225f5f6d657461646174615f5f223a7b22666f726d6174223a227074227d2c22302e62"
            + "696173223a7b226474797065223a22463332222c227368617065223a5b325d2c22646174615f6f66667365"
            + "7473223a5b302c385d7d2c22302e776569676874223a7b226474797065223a22463332222c227368617065"
            + "223a5b322c325d2c22646174615f6f666673657473223a5b382c32345d7d7d202020202020200000003f00"
            + "0000bf0000c03f000000c00000803e00004040")
    static let referenceTensors = [
        SafeTensorsEntry(name: "0.bias", shape: [2], values: [0.5, -0.5]),
        SafeTensorsEntry(name: "0.weight", shape: [2, 2], values: [1.5, -2, 0.25, 3])
    ]

    @Test func encodesTheSameBytesAsTheReferenceWriter() throws {
        let file = SafeTensorsFile(tensors: Self.referenceTensors, metadata: ["format": "pt"])
        #expect(try file.encoded() == Self.referenceFile)
    }

    @Test func decodesTheReferenceWritersFile() throws {
        let file = try SafeTensorsFile(decoding: Self.referenceFile)
        #expect(file.tensors == Self.referenceTensors)
        #expect(file.metadata == ["format": "pt"])
    }

    @Test func roundTripsScalarsEmptyTensorsAndOrder() throws {
        let tensors = [
            SafeTensorsEntry(name: "z", shape: [3, 2], values: [1, 2, 3, 4, 5, -.infinity]),
            SafeTensorsEntry(name: "scalar", shape: [], values: [42]),
            SafeTensorsEntry(name: "empty", shape: [0, 5], values: []),
            SafeTensorsEntry(name: "0.block 1.2.bias", shape: [1], values: [.leastNonzeroMagnitude])
        ]
        let original = SafeTensorsFile(tensors: tensors, metadata: ["note": "héllo \"quoted\""])
        let bytes = try original.encoded()
        #expect((8 + Int(bytes[0])) % 8 == 0, "the data buffer starts 8-byte aligned")
        let decoded = try SafeTensorsFile(decoding: bytes)
        // Zero-size tensors share an offset with their neighbour, so only names are compared
        // as a set; `keepsBufferOrderOnDecode` covers the order.
        #expect(Set(decoded.tensors.map(\.name)) == Set(tensors.map(\.name)))
        for tensor in tensors {
            let match = try #require(decoded.tensors.first { $0.name == tensor.name })
            #expect(match.shape == tensor.shape)
            #expect(match.values.map(\.bitPattern) == tensor.values.map(\.bitPattern))
        }
        #expect(decoded.metadata == original.metadata)
    }

    @Test func keepsBufferOrderOnDecode() throws {
        let tensors = (0..<5).map { SafeTensorsEntry(name: "t\(4 - $0)", shape: [1], values: [Float($0)]) }
        let decoded = try SafeTensorsFile(decoding: SafeTensorsFile(tensors: tensors).encoded())
        #expect(decoded.tensors == tensors)
    }

    @Test func refusesToEncodeAmbiguousFiles() {
        let one = SafeTensorsEntry(name: "a", shape: [1], values: [1])
        #expect(throws: SafeTensorsError.duplicateName("a")) { try SafeTensorsFile(tensors: [one, one]).encoded() }
        #expect(throws: SafeTensorsError.reservedName) {
            try SafeTensorsFile(tensors: [SafeTensorsEntry(name: "__metadata__", shape: [], values: [1])]).encoded()
        }
        #expect(throws: SafeTensorsError.valueCountMismatch(tensor: "b", shape: [2, 2], count: 3)) {
            try SafeTensorsFile(tensors: [SafeTensorsEntry(name: "b", shape: [2, 2], values: [1, 2, 3])]).encoded()
        }
    }

    static let eightBytes = [UInt8](repeating: 0, count: 8)

    static let hostile: [(String, [UInt8], SafeTensorsError)] = [
        ("empty file", [], .missingHeaderLength(fileSize: 0)),
        ("7 bytes", [1, 0, 0, 0, 0, 0, 0], .missingHeaderLength(fileSize: 7)),
        ("huge header length", [UInt8](repeating: 0xFF, count: 8), .headerTooLarge(length: .max, limit: 100_000_000)),
        ("header past the end", [16, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8), .headerBeyondFile(length: 16, available: 2)),
        ("zero-length header", eightBytes, .headerNotAnObject),
        ("array header", file(header: "[]"), .headerNotAnObject),
        ("leading space", file(header: " {}"), .headerNotAnObject),
        ("not JSON", file(header: "{\"a\":"), .invalidHeaderJSON(.unexpectedEnd(JSONLocation(offset: 5, line: 1, column: 6)))),
        (
            "duplicate tensor", file(header: #"{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"a":{}}"#, buffer: 4),
            .invalidHeaderJSON(.duplicateKey("a", JSONLocation(offset: 53, line: 1, column: 54)))
        ),
        (
            "deep nesting", file(header: #"{"a":{"shape":[[[]]]}}"#),
            .invalidHeaderJSON(.tooDeep(limit: 3, JSONLocation(offset: 15, line: 1, column: 16)))
        ),
        ("metadata not strings", file(header: #"{"__metadata__":{"a":1}}"#), .invalidMetadata),
        ("entry not an object", file(header: #"{"a":1}"#), .invalidField(tensor: "a", field: "entry")),
        (
            "I64", file(header: #"{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, buffer: 8),
            .unsupportedDType(tensor: "a", dtype: "I64")
        ),
        (
            "not a dtype", file(header: #"{"a":{"dtype":"F31","shape":[1],"data_offsets":[0,4]}}"#, buffer: 4),
            .unknownDType(tensor: "a", dtype: "F31")
        ),
        (
            "offsets past 2^53",
            file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[18446744073709551612,18446744073709551616]}}"#, buffer: 4),
            .invalidOffsets(tensor: "a")
        ),
        (
            "F64 size mismatch", file(header: #"{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}"#, buffer: 8),
            .sizeMismatch(tensor: "a", expectedBytes: 16, actualBytes: 8)
        ),
        (
            "a terabyte claimed",
            file(header: #"{"a":{"dtype":"F32","shape":[274877906944],"data_offsets":[0,1099511627776]}}"#, buffer: 4),
            .offsetsBeyondBuffer(tensor: "a", end: 1_099_511_627_776, bufferSize: 4)
        ),
        (
            "dtype not a string", file(header: #"{"a":{"dtype":32,"shape":[1],"data_offsets":[0,4]}}"#),
            .invalidField(tensor: "a", field: "dtype")
        ),
        ("no shape", file(header: #"{"a":{"dtype":"F32","data_offsets":[0,4]}}"#), .missingField(tensor: "a", field: "shape")),
        ("no offsets", file(header: #"{"a":{"dtype":"F32","shape":[1]}}"#), .missingField(tensor: "a", field: "data_offsets")),
        ("no dtype", file(header: #"{"a":{"shape":[1],"data_offsets":[0,4]}}"#), .missingField(tensor: "a", field: "dtype")),
        (
            "unknown field", file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":0}}"#, buffer: 4),
            .unknownField(tensor: "a", field: "x")
        ),
        ("negative dimension", file(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#), .invalidShape(tensor: "a")),
        ("fractional dimension", file(header: #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#), .invalidShape(tensor: "a")),
        (
            "overflowing shape", file(header: #"{"a":{"dtype":"F32","shape":[4e15,4e15,4e15],"data_offsets":[0,4]}}"#),
            .invalidShape(tensor: "a")
        ),
        ("offsets reversed", file(header: #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}"#), .invalidOffsets(tensor: "a")),
        ("three offsets", file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#), .invalidOffsets(tensor: "a")),
        (
            "size mismatch", file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, buffer: 4),
            .sizeMismatch(tensor: "a", expectedBytes: 8, actualBytes: 4)
        ),
        (
            "past the buffer", file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, buffer: 4),
            .offsetsBeyondBuffer(tensor: "a", end: 8, bufferSize: 4)
        ),
        (
            "overlap",
            file(
                header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                buffer: 8),
            .overlappingTensors("a", "b")
        ),
        (
            "gap",
            file(
                header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
                buffer: 12),
            .uncoveredBytes(offset: 4)
        ),
        ("leftover bytes", file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, buffer: 5), .uncoveredBytes(offset: 4)),
        ("no tensors but bytes", file(header: "{}", buffer: 4), .uncoveredBytes(offset: 0))
    ]

    @Test(arguments: hostile)
    func refusesMalformedFiles(name: String, bytes: [UInt8], expected: SafeTensorsError) {
        #expect(throws: expected, "\(name)") { try SafeTensorsFile(decoding: bytes) }
    }

    @Test func acceptsAnEmptyFileWithOnlyMetadata() throws {
        let decoded = try SafeTensorsFile(decoding: Self.file(header: #"{"__metadata__":{"k":"v"}}"#))
        #expect(decoded == SafeTensorsFile(tensors: [], metadata: ["k": "v"]))
    }

    @Test func honoursAConfiguredHeaderLimit() {
        let bytes = Self.referenceFile
        #expect(throws: SafeTensorsError.headerTooLarge(length: 160, limit: 100)) {
            try SafeTensorsFile(decoding: bytes, limits: SafeTensorsLimits(maxHeaderBytes: 100))
        }
    }

    /// Every truncation and thousands of random byte flips either decode or throw: no trap.
    @Test func survivesTruncationAndCorruption() throws {
        let valid = try SafeTensorsFile(tensors: Self.referenceTensors, metadata: ["format": "pt"]).encoded()
        for length in 0..<valid.count {
            #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(decoding: Array(valid[..<length])) }
        }
        var state: UInt64 = 0x5EED
        for _ in 0..<3000 {
            var corrupted = valid
            for _ in 0..<3 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                corrupted[Int(state >> 33) % corrupted.count] = UInt8(truncatingIfNeeded: state >> 17)
            }
            _ = try? SafeTensorsFile(decoding: corrupted)
        }
    }

    /// A file from a header text and `buffer` zero bytes of data.
    static func file(header: String, buffer: Int = 0) -> [UInt8] {
        let text = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(text.count).littleEndian, Array.init) + text
            + [UInt8](repeating: 0, count: buffer)
    }

    static func bytes(hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }
}
