import JSON

/// Where one tensor lives in a safetensors file, as its header entry declares.
public struct SafeTensorsLayout: Sendable, Equatable {
    /// The tensor's key, e.g. a PyTorch state-dict key such as `0.weight`.
    public let name: String
    public let dtype: SafeTensorsDType
    /// Dimensions, outermost first; `[]` is a scalar.
    public let shape: [Int]
    /// The tensor's bytes, as offsets into the whole file (header included).
    public let bytes: Range<Int>

    /// The product of `shape`.
    public var elementCount: Int { bytes.count / dtype.size }
}

/// A safetensors file's header, checked against the file it heads; the data stays where it is.
///
/// Checked, in order: the header length fits the limit and the file; the header is a JSON
/// object (duplicate keys refused); `__metadata__` maps strings to strings; each entry has
/// exactly `dtype` (a safetensors dtype), `shape` (non-negative integers whose product times the
/// dtype's size fits an `Int`) and `data_offsets` (`[begin, end]`, begin ≤ end, below 2⁵³) with
/// `end − begin == size × elements`; the tensors, sorted by offset, tile the buffer exactly —
/// no overlap, no gap, nothing left over. Nothing is allocated in proportion to what the header
/// claims: every claim is checked against the bytes actually present first.
///
/// - Complexity: O(header); the data is not read.
public struct SafeTensorsHeader: Sendable, Equatable {
    /// The tensors in the order of their data in the buffer.
    public let layouts: [SafeTensorsLayout]
    /// The free-form string map stored under `__metadata__`.
    public let metadata: [String: String]

    /// Parses and checks the header of the file `bytes`.
    public init(parsing bytes: [UInt8], limits: SafeTensorsLimits = SafeTensorsLimits()) throws(SafeTensorsError) {
        try self.init(parsingPrefix: bytes, fileSize: bytes.count, limits: limits)
    }

    /// The length the first 8 bytes of a file declare for its header, checked against the
    /// limit and the file's size: read that many bytes more to parse the header without
    /// reading the data.
    public static func headerLength(
        prefix bytes: [UInt8], fileSize: Int, limits: SafeTensorsLimits = SafeTensorsLimits()
    ) throws(SafeTensorsError) -> Int {
        guard bytes.count >= 8, fileSize >= 8 else { throw .missingHeaderLength(fileSize: min(bytes.count, fileSize)) }
        let length = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(limits.maxHeaderBytes) else {
            throw .headerTooLarge(length: length, limit: limits.maxHeaderBytes)
        }
        guard length <= UInt64(fileSize - 8) else {
            throw .headerBeyondFile(length: length, available: fileSize - 8)
        }
        return Int(length)
    }

    /// Parses and checks the header of a file of `fileSize` bytes from its first bytes
    /// (`prefix` holds at least the length and the header): the data need not be read.
    public init(parsingPrefix bytes: [UInt8], fileSize: Int, limits: SafeTensorsLimits = SafeTensorsLimits()) throws(SafeTensorsError) {
        let length = UInt64(try Self.headerLength(prefix: bytes, fileSize: fileSize, limits: limits))
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
        var layouts: [SafeTensorsLayout] = []
        for (name, entry) in header {
            if name == SafeTensorsFile.metadataKey {
                metadata = try Self.decodeMetadata(entry)
            } else {
                layouts.append(try Self.layout(name: name, entry: entry, bufferStart: headerEnd))
            }
        }
        try Self.checkTiling(&layouts, buffer: headerEnd..<fileSize)
        self.layouts = layouts
        self.metadata = metadata
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

    private static func layout(name: String, entry: JSONValue, bufferStart: Int) throws(SafeTensorsError) -> SafeTensorsLayout {
        guard case .object(let fields) = entry else { throw .invalidField(tensor: name, field: "entry") }
        for field in fields.keys where !["dtype", "shape", "data_offsets"].contains(field) {
            throw .unknownField(tensor: name, field: field)
        }
        guard let dtypeValue = fields["dtype"] else { throw .missingField(tensor: name, field: "dtype") }
        guard case .string(let dtypeName) = dtypeValue else { throw .invalidField(tensor: name, field: "dtype") }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else { throw .unknownDType(tensor: name, dtype: dtypeName) }

        guard let shapeValue = fields["shape"] else { throw .missingField(tensor: name, field: "shape") }
        guard case .array(let dimensions) = shapeValue else { throw .invalidField(tensor: name, field: "shape") }
        var shape: [Int] = []
        var elements = 1
        for dimension in dimensions {
            guard let size = integer(dimension) else { throw .invalidShape(tensor: name) }
            let (product, overflow) = elements.multipliedReportingOverflow(by: size)
            guard !overflow, product <= Int.max / 8 else { throw .invalidShape(tensor: name) }
            elements = product
            shape.append(size)
        }

        guard let offsetsValue = fields["data_offsets"] else { throw .missingField(tensor: name, field: "data_offsets") }
        guard case .array(let offsets) = offsetsValue, offsets.count == 2,
            let begin = integer(offsets[0]), let end = integer(offsets[1]), begin <= end
        else { throw .invalidOffsets(tensor: name) }
        guard end - begin == elements * dtype.size else {
            throw .sizeMismatch(tensor: name, expectedBytes: elements * dtype.size, actualBytes: end - begin)
        }
        return SafeTensorsLayout(name: name, dtype: dtype, shape: shape, bytes: bufferStart + begin..<bufferStart + end)
    }

    /// A JSON number that is a non-negative integer below 2⁵³ (beyond, Doubles skip integers).
    private static func integer(_ value: JSONValue) -> Int? {
        guard case .number(let number) = value, number >= 0, number < 0x1p53, number == number.rounded()
        else { return nil }
        return Int(number)
    }

    /// Sorts `layouts` by offset and checks that they tile `buffer` exactly. Errors give offsets
    /// relative to the buffer, as the header states them.
    private static func checkTiling(_ layouts: inout [SafeTensorsLayout], buffer: Range<Int>) throws(SafeTensorsError) {
        layouts.sort { ($0.bytes.lowerBound, $0.bytes.upperBound, $0.name) < ($1.bytes.lowerBound, $1.bytes.upperBound, $1.name) }
        var covered = buffer.lowerBound
        var previous: String?
        for layout in layouts {
            guard layout.bytes.upperBound <= buffer.upperBound else {
                throw .offsetsBeyondBuffer(
                    tensor: layout.name, end: layout.bytes.upperBound - buffer.lowerBound, bufferSize: buffer.count)
            }
            if layout.bytes.lowerBound < covered, let previous { throw .overlappingTensors(previous, layout.name) }
            guard layout.bytes.lowerBound == covered else { throw .uncoveredBytes(offset: covered - buffer.lowerBound) }
            covered = layout.bytes.upperBound
            previous = layout.name
        }
        guard covered == buffer.upperBound else { throw .uncoveredBytes(offset: covered - buffer.lowerBound) }
    }
}
