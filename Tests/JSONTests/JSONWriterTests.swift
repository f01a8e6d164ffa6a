import Testing
@testable import JSON

/// Writing JSON: escaping, number forms, structure, and round trips through the parser.
struct JSONWriterTests {
    @Test func escapesWhatRFC8259Requires() {
        let text = "q\"b\\s/n\nr\rt\tb\u{08}f\u{0C}c\u{01}\u{1F}é🎉\u{7F}"
        let expected = #""q\"b\\s/n\nr\rt\tb\bf\fc\u0001\u001fé🎉"# + "\u{7F}\""
        #expect(JSONValue.string(text).jsonString == expected)
    }

    static let doubles: [(Double, String)] = [
        (20, "20"), (-3, "-3"), (0, "0"), (-0.0, "-0.0"), (0.1, "0.1"), (1.5, "1.5"),
        (9_007_199_254_740_991, "9007199254740991"), (0x1p53, "9007199254740992.0"),
        (1e300, "1e+300"), (.leastNonzeroMagnitude, "5e-324"), (.nan, "null"), (.infinity, "null")
    ]

    @Test(arguments: doubles)
    func writesDoublesAsIntegersWhenIntegral(value: Double, expected: String) {
        #expect(JSONValue.number(value).jsonString == expected)
    }

    static let floats: [(Float, String)] = [
        (1, "1.0"), (0.1, "0.1"), (-2.5, "-2.5"), (1e-5, "1e-05"), (1e20, "1e+20"),
        (.greatestFiniteMagnitude, "3.4028235e+38"), (.leastNonzeroMagnitude, "1e-45"),
        (-0.0, "-0.0"), (.nan, "null"), (-.infinity, "null")
    ]

    @Test(arguments: floats)
    func writesFloatsInShortestRoundTripForm(value: Float, expected: String) {
        var writer = JSONWriter()
        writer.write(float: value)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
    }

    @Test func placesCommasAndColons() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("a")
        writer.beginArray()
        writer.write(number: 1)
        writer.write(bool: false)
        writer.writeNull()
        writer.beginObject()
        writer.endObject()
        writer.endArray()
        writer.key("b")
        writer.write(string: "x")
        writer.key("t")
        writer.write(tensor: [1, 2, 3, 4], shape: [2, 2])
        writer.endObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a":[1,false,null,{}],"b":"x","t":[[1.0,2.0],[3.0,4.0]]}"#)
    }

    @Test func sortsObjectKeysSoEqualValuesGiveEqualBytes() {
        let value = JSONValue.object(["b": .number(1), "a": .array([.bool(true), .null]), "": .string("")])
        #expect(value.jsonString == #"{"":"","a":[true,null],"b":1}"#)
    }

    static let tensors: [([Int], [Float], String)] = [
        ([], [2], "2.0"),
        ([0], [], "[]"),
        ([2, 0], [], "[[],[]]"),
        ([3], [1, 0.5, -0.25], "[1.0,0.5,-0.25]"),
        ([2, 1, 2], [1, 2, 3, 4], "[[[1.0,2.0]],[[3.0,4.0]]]"),
        ([2], [.nan, 1], "[null,1.0]")
    ]

    @Test(arguments: tensors)
    func writesTensorsNestedByShape(shape: [Int], values: [Float], expected: String) {
        #expect(String(decoding: JSONFloatTensor(shape: shape, values: values).jsonBytes, as: UTF8.self) == expected)
    }

    @Test func roundTripsValueTrees() throws {
        let value = JSONValue.object([
            "name": .string("tied \"net\"\n日本"),
            "layers": .array([.object(["type": .string("linear"), "in": .number(20), "out": .number(8)]), .null]),
            "lr": .number(0.001), "flags": .array([.bool(true), .bool(false)]), "big": .number(1.7976931348623157e308)
        ])
        #expect(try JSONValue(parsing: value.jsonBytes) == value)
    }
}
