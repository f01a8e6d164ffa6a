import JSON

extension SafeTensorsFile {
    /// The file's bytes: ``encodedHeader()``, then every tensor's Float32 data, little-endian,
    /// in `tensors` order (what ``forEachEncodedTensor(_:)`` hands out).
    ///
    /// - Throws: `.duplicateName`, `.reservedName`, `.valueCountMismatch`.
    /// - Complexity: O(total elements); one copy of the data.
    public func encoded() throws(SafeTensorsError) -> [UInt8] {
        var file = try encodedHeader()
        file.reserveCapacity(file.count + tensors.reduce(0) { $0 + $1.values.count * $1.dtype.size })
        forEachEncodedTensor { (bytes: UnsafeRawBufferPointer) in file.append(contentsOf: bytes) }
        return file
    }

    /// The start of the file: the header length, then the JSON header, space-padded so the
    /// buffer starts at a multiple of 8. The tensors' data follows (``forEachEncodedTensor(_:)``),
    /// so a writer can send a file of any size without assembling it in memory.
    ///
    /// - Throws: `.duplicateName`, `.reservedName`, `.valueCountMismatch`.
    /// - Complexity: O(tensors + metadata).
    public func encodedHeader() throws(SafeTensorsError) -> [UInt8] {
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
            let end = offset + tensor.values.count * tensor.dtype.size
            writer.key(tensor.name)
            writer.beginObject()
            writer.key("dtype")
            writer.write(string: tensor.dtype.rawValue)
            writer.key("shape")
            writer.write(JSONValue.array(tensor.shape.map { .number(Double($0)) }))
            writer.key("data_offsets")
            writer.write(JSONValue.array([.number(Double(offset)), .number(Double(end))]))
            writer.endObject()
            offset = end
        }
        writer.endObject()

        let header = writer.bytes
        let padding = (8 - header.count % 8) % 8
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + header.count + padding)
        withUnsafeBytes(of: UInt64(header.count + padding).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))
        return bytes
    }

    /// Calls `body` with each tensor's data as little-endian Float32 (or Int64) bytes, in
    /// `tensors` order: the rest of the file after ``encodedHeader()``. On a little-endian
    /// machine Float32 data is the tensors' own storage, not a copy. Stops at the first error `body` throws.
    public func forEachEncodedTensor<Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Void) throws(Failure) {
        var failure: Failure?
        for tensor in tensors where failure == nil {
            if tensor.dtype == .i64 {
                let integers = tensor.values.map { Int64($0).littleEndian }
                integers.withUnsafeBytes { bytes in
                    do throws(Failure) { try body(bytes) } catch { failure = error }
                }
                continue
            }
            #if _endian(little)
                tensor.values.withUnsafeBytes { bytes in
                    do throws(Failure) { try body(bytes) } catch { failure = error }
                }
            #else
                let swapped = tensor.values.map { $0.bitPattern.littleEndian }
                swapped.withUnsafeBytes { bytes in
                    do throws(Failure) { try body(bytes) } catch { failure = error }
                }
            #endif
        }
        if let failure { throw failure }
    }
}
