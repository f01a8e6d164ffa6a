/// A protocol buffers message under construction, written in the wire format
/// (protobuf.dev/programming-guides/encoding): each field is a tag `number << 3 | wire type`
/// as a varint, then a varint (type 0), four little-endian bytes (type 5), or a varint length
/// and that many bytes (type 2: strings, nested messages, packed data).
///
/// Nested messages and float payloads are kept as values until ``encoded()``, which computes
/// every length first and then writes each byte once into one buffer of the exact size: a
/// message carrying a model's weights costs one copy of them, not one per nesting level.
struct ProtobufMessage: Sendable {
    private enum Field: Sendable {
        case varint(Int, UInt64)
        case fixed32(Int, UInt32)
        case bytes(Int, [UInt8])
        /// Float32 values written little-endian as one length-delimited field.
        case floats(Int, [Float])
        case message(Int, ProtobufMessage)
    }

    private var fields: [Field] = []

    init() {}

    /// An `int64`, `int32` or enum field; negative values take ten bytes, as the format says.
    mutating func append(_ number: Int, int: Int) { fields.append(.varint(number, UInt64(bitPattern: Int64(int)))) }

    /// A `float` field.
    mutating func append(_ number: Int, float: Float) { fields.append(.fixed32(number, float.bitPattern)) }

    /// A `string` field (UTF-8).
    mutating func append(_ number: Int, string: String) { fields.append(.bytes(number, Array(string.utf8))) }

    /// A `bytes` field holding `floats` as little-endian Float32.
    mutating func append(_ number: Int, floatBytes floats: [Float]) { fields.append(.floats(number, floats)) }

    /// A nested message field.
    mutating func append(_ number: Int, message: ProtobufMessage) { fields.append(.message(number, message)) }

    /// The encoded length in bytes. - Complexity: O(fields, nested ones included).
    var encodedSize: Int {
        fields.reduce(0) { total, field in
            switch field {
            case .varint(let number, let value): total + Self.tagSize(number) + Self.varintSize(value)
            case .fixed32(let number, _): total + Self.tagSize(number) + 4
            case .bytes(let number, let bytes): total + Self.delimitedSize(number, bytes.count)
            case .floats(let number, let floats): total + Self.delimitedSize(number, floats.count * 4)
            case .message(let number, let message): total + Self.delimitedSize(number, message.encodedSize)
            }
        }
    }

    /// The message's bytes. - Complexity: O(bytes) plus O(fields × nesting depth) for the lengths.
    func encoded() -> [UInt8] {
        var output = ProtobufOutput(lendsFloats: false)
        output.bytes.reserveCapacity(encodedSize)
        write(into: &output)
        return output.bytes
    }

    /// The message's bytes as pieces, in order: runs of encoded bytes, and each float payload
    /// as the array it is (on a little-endian machine), so a writer can send a message
    /// carrying a model's weights without copying them. Concatenated, they are ``encoded()``.
    func pieces() -> [ONNXPiece] {
        #if _endian(little)
            var output = ProtobufOutput(lendsFloats: true)
        #else
            var output = ProtobufOutput(lendsFloats: false)
        #endif
        write(into: &output)
        output.endBytes()
        return output.pieces
    }

    private func write(into output: inout ProtobufOutput) {
        for field in fields {
            switch field {
            case .varint(let number, let value):
                Self.writeVarint(UInt64(number << 3 | 0), into: &output.bytes)
                Self.writeVarint(value, into: &output.bytes)
            case .fixed32(let number, let value):
                Self.writeVarint(UInt64(number << 3 | 5), into: &output.bytes)
                withUnsafeBytes(of: value.littleEndian) { output.bytes.append(contentsOf: $0) }
            case .bytes(let number, let bytes):
                Self.writeDelimitedTag(number, length: bytes.count, into: &output.bytes)
                output.bytes.append(contentsOf: bytes)
            case .floats(let number, let floats):
                Self.writeDelimitedTag(number, length: floats.count * 4, into: &output.bytes)
                if output.lendsFloats {
                    output.endBytes()
                    output.pieces.append(.floats(floats))
                } else {
                    #if _endian(little)
                        floats.withUnsafeBytes { output.bytes.append(contentsOf: $0) }
                    #else
                        for value in floats { withUnsafeBytes(of: value.bitPattern.littleEndian) { output.bytes.append(contentsOf: $0) } }
                    #endif
                }
            case .message(let number, let message):
                Self.writeDelimitedTag(number, length: message.encodedSize, into: &output.bytes)
                message.write(into: &output)
            }
        }
    }

    private static func writeDelimitedTag(_ number: Int, length: Int, into buffer: inout [UInt8]) {
        writeVarint(UInt64(number << 3 | 2), into: &buffer)
        writeVarint(UInt64(length), into: &buffer)
    }

    /// Seven bits per byte, least significant group first, the high bit set on all but the last.
    static func writeVarint(_ value: UInt64, into buffer: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        buffer.append(UInt8(rest))
    }

    static func varintSize(_ value: UInt64) -> Int { max(1, (64 - value.leadingZeroBitCount + 6) / 7) }

    private static func tagSize(_ number: Int) -> Int { varintSize(UInt64(number << 3)) }

    private static func delimitedSize(_ number: Int, _ length: Int) -> Int {
        tagSize(number) + varintSize(UInt64(length)) + length
    }
}

/// Where ``ProtobufMessage`` writes: bytes, cut into ``ONNXPiece``s around float payloads
/// when those are lent rather than copied.
private struct ProtobufOutput {
    let lendsFloats: Bool
    var bytes: [UInt8] = []
    var pieces: [ONNXPiece] = []

    init(lendsFloats: Bool) { self.lendsFloats = lendsFloats }

    /// Closes the current run of bytes as a piece.
    mutating func endBytes() {
        guard !bytes.isEmpty else { return }
        pieces.append(.bytes(bytes))
        bytes = []
    }
}

/// A run of an encoded ONNX model: bytes, or Float32 values whose little-endian bytes come
/// next (a tensor's own storage, not a copy). ``Model/onnxPieces(graphName:metadata:)``.
public enum ONNXPiece: Sendable {
    case bytes([UInt8])
    case floats([Float])
}
