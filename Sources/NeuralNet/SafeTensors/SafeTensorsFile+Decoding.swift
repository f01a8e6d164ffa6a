import JSON

extension SafeTensorsFile {
    /// Decodes and validates a whole safetensors file; tensors come out in buffer order.
    ///
    /// Checked, in order: the header length fits the limit and the file; the header is a JSON
    /// object (duplicate keys refused); `__metadata__` maps strings to strings; each entry has
    /// exactly `dtype` (must be `F32`), `shape` (non-negative integers) and `data_offsets`
    /// (`[begin, end]`, begin ≤ end) with `end − begin == 4 × elements`; the tensors, sorted by
    /// offset, tile the buffer exactly — no overlap, no gap, nothing left over.
    ///
    /// - Complexity: O(header + data); one copy of the data.
    public init(decoding bytes: [UInt8], limits: SafeTensorsLimits = SafeTensorsLimits()) throws(SafeTensorsError) {
        guard bytes.count >= 8 else { throw .missingHeaderLength(fileSize: bytes.count) }
        let length = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(limits.maxHeaderBytes) else {
            throw .headerTooLarge(length: length, limit: limits.maxHeaderBytes)
        }
        guard length <= UInt64(bytes.count - 8) else {
            throw .headerBeyondFile(length: length, available: bytes.count - 8)
        }
        let headerEnd = 8 + Int(length)
        guard length > 0, bytes[8] == UInt8(ascii: "{") else { throw .headerNotAnObject }

        let value: JSONValue
        do throws(JSONError) {
            // Depth 3 is all the format needs (object → entry → shape); deeper is hostile.
            value = try JSONValue(
                parsing: Array(bytes[8..<headerEnd]), limits: JSONLimits(maxBytes: Int(length), maxDepth: 3))
        } catch {
            throw .invalidHeaderJSON(error)
        }
        guard case .object(let header) = value else { throw .headerNotAnObject }

        var metadata: [String: String] = [:]
        var layouts: [TensorLayout] = []
        for (name, entry) in header {
            if name == Self.metadataKey {
                metadata = try Self.decodeMetadata(entry)
            } else {
                layouts.append(try TensorLayout(name: name, entry: entry))
            }
        }

        let buffer = bytes[headerEnd...]
        try TensorLayout.checkTiling(&layouts, bufferSize: buffer.count)
        let tensors = layouts.map { layout in
            let start = buffer.startIndex + layout.begin
            return SafeTensorsEntry(
                name: layout.name, shape: layout.shape,
                values: Self.readLittleEndian(bytes[start..<start + layout.end - layout.begin]))
        }
        self.init(tensors: tensors, metadata: metadata)
    }

    private static func decodeMetadata(_ entry: JSONValue) throws(SafeTensorsError) -> [String: String] {
        guard case .object(let members) = entry else { throw .invalidMetadata }
        var metadata: [String: String] = [:]
        for (key, value) in members {
            guard case .string(let text) = value else { throw .invalidMetadata }
            metadata[key] = text
        }
        return metadata
    }

    private static func readLittleEndian(_ bytes: ArraySlice<UInt8>) -> [Float] {
        let count = bytes.count / MemoryLayout<Float>.size
        return [Float](unsafeUninitializedCapacity: count) { values, initialized in
            bytes.withUnsafeBytes { raw in
                #if _endian(little)
                    UnsafeMutableRawBufferPointer(values).copyMemory(from: raw)
                #else
                    for index in 0..<count {
                        values[index] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(
                            fromByteOffset: index * 4, as: UInt32.self)))
                    }
                #endif
            }
            initialized = count
        }
    }
}

/// Where one tensor lives in the buffer, as its header entry declares.
private struct TensorLayout {
    let name: String
    let shape: [Int]
    let begin: Int
    let end: Int

    init(name: String, entry: JSONValue) throws(SafeTensorsError) {
        guard case .object(let fields) = entry else { throw .invalidField(tensor: name, field: "entry") }
        for field in fields.keys where !["dtype", "shape", "data_offsets"].contains(field) {
            throw .unknownField(tensor: name, field: field)
        }
        guard let dtypeValue = fields["dtype"] else { throw .missingField(tensor: name, field: "dtype") }
        guard case .string(let dtype) = dtypeValue else { throw .invalidField(tensor: name, field: "dtype") }
        guard dtype == "F32" else { throw .unsupportedDType(tensor: name, dtype: dtype) }

        guard let shapeValue = fields["shape"] else { throw .missingField(tensor: name, field: "shape") }
        guard case .array(let dimensions) = shapeValue else { throw .invalidField(tensor: name, field: "shape") }
        var shape: [Int] = []
        var elements = 1
        for dimension in dimensions {
            guard let size = Self.integer(dimension) else { throw .invalidShape(tensor: name) }
            let (product, overflow) = elements.multipliedReportingOverflow(by: size)
            guard !overflow, product <= Int.max / 4 else { throw .invalidShape(tensor: name) }
            elements = product
            shape.append(size)
        }

        guard let offsetsValue = fields["data_offsets"] else { throw .missingField(tensor: name, field: "data_offsets") }
        guard case .array(let offsets) = offsetsValue, offsets.count == 2,
            let begin = Self.integer(offsets[0]), let end = Self.integer(offsets[1]), begin <= end
        else { throw .invalidOffsets(tensor: name) }
        guard end - begin == elements * 4 else {
            throw .sizeMismatch(tensor: name, expectedBytes: elements * 4, actualBytes: end - begin)
        }
        self.name = name
        self.shape = shape
        self.begin = begin
        self.end = end
    }

    /// A JSON number that is a non-negative integer below 2⁵³ (beyond, Doubles skip integers).
    private static func integer(_ value: JSONValue) -> Int? {
        guard case .number(let number) = value, number >= 0, number < 0x1p53, number == number.rounded()
        else { return nil }
        return Int(number)
    }

    /// Sorts `layouts` by offset and checks that they tile `0..<bufferSize` exactly.
    static func checkTiling(_ layouts: inout [TensorLayout], bufferSize: Int) throws(SafeTensorsError) {
        layouts.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        var previous: String?
        for layout in layouts {
            guard layout.end <= bufferSize else {
                throw .offsetsBeyondBuffer(tensor: layout.name, end: layout.end, bufferSize: bufferSize)
            }
            if layout.begin < covered, let previous { throw .overlappingTensors(previous, layout.name) }
            guard layout.begin == covered else { throw .uncoveredBytes(offset: covered) }
            covered = layout.end
            previous = layout.name
        }
        guard covered == bufferSize else { throw .uncoveredBytes(offset: covered) }
    }
}
