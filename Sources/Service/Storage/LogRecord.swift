public import JSON

/// One committed change as the commit log stores it: the version it expects and the one it
/// produces, the new document if it changed, and for each tensor it touched, one run of
/// elements (the whole tensor when the run covers it).
///
/// ```
/// record   u64 payload length | u32 CRC-32 of (the 8 length bytes, then the payload) | payload
/// payload  u64 expected version | u64 version
///          u64 document length (all ones: unchanged) | the document, compact JSON
///          u32 tensor count, then per tensor:
///            u32 path length | path (UTF-8) | u32 rank | rank × u64 dimension
///            u64 first element | u64 element count | count × f32
/// ```
/// Integers and floats are little-endian. The checksum covers the length, so a torn length is
/// caught like a torn payload.
public struct LogRecord: Sendable, Equatable {
    /// One run of elements of one tensor.
    public struct Run: Sendable, Equatable {
        public var path: String
        public var shape: [Int]
        /// The first element's row-major index.
        public var offset: Int
        public var values: [Float]
    }

    public var expectedVersion: Int
    public var version: Int
    public var document: JSONValue?
    public var runs: [Run]

    /// Bytes before the payload: its length and its checksum.
    static let prefixSize = 12
    static let unchangedDocument = UInt64.max
}

extension LogRecord {
    /// The parts of the record that stores `commit`, in order, and its total size: small parts
    /// gathered in byte buffers (one buffer for a record without long runs), long runs of
    /// elements passed as slices of the model's own arrays (never copied).
    static func encode(_ commit: ModelCommit) -> (parts: [LogRecordPart], size: Int) {
        var payload: [LogRecordPart] = []
        var bytes: [UInt8] = []
        bytes.appendInteger(UInt64(commit.expectedVersion))
        bytes.appendInteger(UInt64(commit.version))
        if let document = commit.document {
            let json = document.jsonBytes
            bytes.appendInteger(UInt64(json.count))
            bytes.append(contentsOf: json)
        } else {
            bytes.appendInteger(unchangedDocument)
        }
        bytes.appendInteger(UInt32(commit.tensors.count))
        for update in commit.tensors {
            let path = Array(update.path.utf8)
            bytes.appendInteger(UInt32(path.count))
            bytes.append(contentsOf: path)
            bytes.appendInteger(UInt32(update.shape.count))
            for dimension in update.shape { bytes.appendInteger(UInt64(dimension)) }
            bytes.appendInteger(UInt64(update.range.lowerBound))
            bytes.appendInteger(UInt64(update.range.count))
            if update.range.count <= 16_384 {
                update.elements.withUnsafeBytes { bytes.append(contentsOf: $0) }
            } else {
                payload.append(.bytes(bytes))
                bytes = []
                payload.append(.floats(update.elements))
            }
        }
        payload.append(.bytes(bytes))
        let payloadSize = payload.reduce(0) { $0 + $1.byteCount }
        var prefix: [UInt8] = []
        prefix.appendInteger(UInt64(payloadSize))
        var crc = CRC32()
        crc.update(prefix)
        for part in payload { part.withBytes { crc.update($0) } }
        prefix.appendInteger(crc.value)
        // A record without long runs (a one-element PATCH) is one buffer: one write.
        if payload.count == 1, case .bytes(let bytes) = payload[0] {
            return ([.bytes(prefix + bytes)], prefixSize + payloadSize)
        }
        return ([.bytes(prefix)] + payload, prefixSize + payloadSize)
    }
}

/// A piece of an encoded record.
enum LogRecordPart {
    case bytes([UInt8])
    case floats(ArraySlice<Float>)

    var byteCount: Int {
        switch self {
        case .bytes(let bytes): bytes.count
        case .floats(let floats): floats.count * MemoryLayout<Float>.size
        }
    }

    func withBytes<R, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> R) throws(Failure) -> R {
        var result: Result<R, Failure>!
        switch self {
        case .bytes(let bytes):
            bytes.withUnsafeBytes { buffer in
                result = Result { () throws(Failure) in try body(buffer) }
            }
        case .floats(let floats):
            floats.withUnsafeBytes { buffer in
                result = Result { () throws(Failure) in try body(buffer) }
            }
        }
        return try result.get()
    }
}

extension [UInt8] {
    /// Appends `value` little-endian.
    mutating func appendInteger<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
