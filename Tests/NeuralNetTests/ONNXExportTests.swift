import Testing
@testable import NeuralNet

/// The ONNX export's structure, read back with a minimal wire-format reader (onnx and
/// onnxruntime themselves check the files in Tests/python/test_onnx.py).
struct ONNXExportTests {
    /// Top-level fields of one message: (field number, varint value or length-delimited bytes).
    static func fields(_ bytes: ArraySlice<UInt8>) -> [(Int, UInt64, ArraySlice<UInt8>)] {
        var result: [(Int, UInt64, ArraySlice<UInt8>)] = []
        var index = bytes.startIndex
        func varint() -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        while index < bytes.endIndex {
            let tag = varint()
            switch tag & 7 {
            case 0: result.append((Int(tag >> 3), varint(), []))
            case 5:
                result.append((Int(tag >> 3), 0, bytes[index..<index + 4]))
                index += 4
            default:
                let length = Int(varint())
                result.append((Int(tag >> 3), 0, bytes[index..<index + length]))
                index += length
            }
        }
        return result
    }

    static func strings(_ fields: [(Int, UInt64, ArraySlice<UInt8>)], _ number: Int) -> [String] {
        fields.filter { $0.0 == number }.map { String(decoding: $0.2, as: UTF8.self) }
    }

    @Test func writesTheModelHeaderAndATieAsOneInitializer() throws {
        let bytes = try Model(spec: tiedSpec, seed: 7).onnx(graphName: "tied")
        let model = Self.fields(bytes[...])
        #expect(model.first { $0.0 == 1 }?.1 == 8)
        #expect(Self.strings(model, 2) == ["paramd"])
        let opset = Self.fields(try #require(model.first { $0.0 == 8 }).2)
        #expect(opset.first { $0.0 == 2 }?.1 == 17)

        let graph = Self.fields(try #require(model.first { $0.0 == 7 }).2)
        #expect(Self.strings(graph, 2) == ["tied"])
        let initializers = graph.filter { $0.0 == 5 }.map { Self.strings(Self.fields($0.2), 8) }
        #expect(initializers == [["0.weight"], ["0.bias"], ["2.weight"], ["2.bias"], ["6.weight"], ["6.bias"]])
        let nodes = graph.filter { $0.0 == 1 }.map { Self.fields($0.2) }
        let gemms = nodes.filter { Self.strings($0, 4) == ["Gemm"] }
        #expect(gemms.map { Self.strings($0, 3) } == [["0"], ["2"], ["4"], ["6"]])
        #expect(Self.strings(gemms[1], 1).dropFirst() == Self.strings(gemms[2], 1).dropFirst())
        #expect(Self.strings(try #require(nodes.last), 2) == ["output"])
    }

    @Test func storesEachInitializersValuesOnce() throws {
        let model = try Model(spec: tiedSpec, seed: 7)
        let bytes = try model.onnx(graphName: "tied")
        // 8·20 + 8 + 8·8 + 8 + 8 + 1 floats, each stored once, plus the graph's structure.
        #expect(bytes.count > model.parameterCount * 4 && bytes.count < model.parameterCount * 4 + 2048)
    }

    @Test func refusesADeferredModel() throws {
        let model = try Model(spec: json(#"{"type": "sequential", "layers": [{"type": "dense", "out": 2}]}"#), seed: 0)
        #expect(expectError(.notMaterialized(path: "0.weight")) { _ = try model.onnx(graphName: "m") })
    }
}
