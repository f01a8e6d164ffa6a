import Testing
@testable import NeuralNet

/// The protobuf wire format as protobuf.dev's encoding guide spells it out.
struct ProtobufMessageTests {
    static let varints: [(UInt64, [UInt8])] = [
        (0, [0x00]), (1, [0x01]), (127, [0x7F]), (128, [0x80, 0x01]), (150, [0x96, 0x01]),
        (.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    ]

    @Test(arguments: varints)
    func writesVarints(value: UInt64, bytes: [UInt8]) {
        var buffer: [UInt8] = []
        ProtobufMessage.writeVarint(value, into: &buffer)
        #expect(buffer == bytes)
        #expect(ProtobufMessage.varintSize(value) == bytes.count)
    }

    /// The guide's examples: `a = 150` in field 1 is `08 96 01`; `b = "testing"` in field 2 is
    /// `12 07 74 65 73 74 69 6e 67`; a message holding the first in field 3 is `1a 03 08 96 01`.
    @Test func writesTheGuidesExamples() {
        var test1 = ProtobufMessage()
        test1.append(1, int: 150)
        #expect(test1.encoded() == [0x08, 0x96, 0x01])
        var test2 = ProtobufMessage()
        test2.append(2, string: "testing")
        #expect(test2.encoded() == [0x12, 0x07] + Array("testing".utf8))
        var test3 = ProtobufMessage()
        test3.append(3, message: test1)
        #expect(test3.encoded() == [0x1A, 0x03, 0x08, 0x96, 0x01])
    }

    @Test func writesNegativeIntsInTenBytesAndFloatsInFour() {
        var message = ProtobufMessage()
        message.append(3, int: -1)
        message.append(2, float: 1)
        #expect(message.encoded() == [0x18] + [UInt8](repeating: 0xFF, count: 9) + [0x01, 0x15, 0x00, 0x00, 0x80, 0x3F])
    }

    @Test func writesFloatPayloadsLittleEndianAndSizesExactly() {
        var inner = ProtobufMessage()
        inner.append(9, floatBytes: [Float](repeating: 2, count: 40))
        var outer = ProtobufMessage()
        outer.append(5, message: inner)
        let bytes = outer.encoded()
        #expect(bytes.count == outer.encodedSize)
        // 5 << 3 | 2, length 163 = 0xA3 0x01; 9 << 3 | 2, length 160 = 0xA0 0x01; then 2.0f.
        #expect(Array(bytes.prefix(10)) == [0x2A, 0xA3, 0x01, 0x4A, 0xA0, 0x01, 0x00, 0x00, 0x00, 0x40])
    }
}
