import JSON

extension SafeTensorsFile {
    /// The file's bytes: header length, JSON header (space-padded so the buffer starts at a
    /// multiple of 8), then every tensor's Float32 data, little-endian, in `tensors` order.
    ///
    /// - Throws: `.duplicateName`, `.reservedName`, `.valueCountMismatch`.
    /// - Complexity: O(total elements); one copy of the data.
    public func encoded() throws(SafeTensorsError) -> [UInt8] {
        var names = Set<String>()
        var writer = JSONWriter(reservingCapacity: 64 + tensors.count * 96)
        writer.beginObject()
        if !metadata.isEmpty {
            writer.key(Self.metadataKey)
            writer.write(JSONValue.object(metadata.mapValues { .string($0) }))
        }
        var offset = 0
        for tensor in tensors {
            guard tensor.name != Self.metadataKey else { throw .reservedName }
            guard names.insert(tensor.name).inserted else { throw .duplicateName(tensor.name) }
            guard tensor.shape.allSatisfy({ $0 >= 0 }), tensor.shape.reduce(1, *) == tensor.values.count else {
                throw .valueCountMismatch(tensor: tensor.name, shape: tensor.shape, count: tensor.values.count)
            }
            let end = offset + tensor.values.count * MemoryLayout<Float>.size
            writer.key(tensor.name)
            writer.beginObject()
            writer.key("dtype")
            writer.write(string: "F32")
            writer.key("shape")
            writer.write(JSONValue.array(tensor.shape.map { .number(Double($0)) }))
            writer.key("data_offsets")
            writer.write(JSONValue.array([.number(Double(offset)), .number(Double(end))]))
            writer.endObject()
            offset = end
        }
        writer.endObject()

        var header = writer.bytes
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        var file = [UInt8]()
        file.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: header)
        for tensor in tensors {
            Self.appendLittleEndian(tensor.values, to: &file)
        }
        return file
    }

    private static func appendLittleEndian(_ values: [Float], to file: inout [UInt8]) {
        #if _endian(little)
            values.withUnsafeBytes { file.append(contentsOf: $0) }
        #else
            for value in values {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { file.append(contentsOf: $0) }
            }
        #endif
    }
}
