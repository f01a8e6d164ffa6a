import JSON
import NeuralNet

extension LogRecord {
    /// Decodes a payload whose checksum matched. Every count is checked against the bytes left
    /// before anything is allocated for it.
    /// - Throws: ``StorageDamage/invalidLogRecord(_:)`` naming what does not fit.
    init(payload bytes: [UInt8]) throws(StorageDamage) {
        var reader = LittleEndianReader(bytes: bytes)
        expectedVersion = try reader.version()
        version = try reader.version()
        guard version > expectedVersion else { throw .invalidLogRecord("version \(version) does not follow \(expectedVersion)") }
        let documentLength: UInt64 = try reader.integer()
        if documentLength == Self.unchangedDocument {
            document = nil
        } else {
            let json = try reader.bytes(count: documentLength)
            do throws(JSONError) {
                document = try JSONValue(parsing: Array(json))
            } catch {
                throw .invalidDocument(error)
            }
        }
        let count: UInt32 = try reader.integer()
        var runs: [Run] = []
        for _ in 0..<count {
            let pathLength: UInt32 = try reader.integer()
            let path = String(decoding: try reader.bytes(count: UInt64(pathLength)), as: UTF8.self)
            let rank: UInt32 = try reader.integer()
            guard UInt64(rank) * 8 <= UInt64(reader.remaining) else { throw .invalidLogRecord("a rank beyond the record") }
            var shape: [Int] = []
            for _ in 0..<rank { shape.append(try reader.count()) }
            let offset = try reader.count()
            let elements = try reader.count()
            guard let total = Tensor.elementCount(shape), offset <= total, elements <= total - offset else {
                throw .invalidLogRecord("elements \(offset)..<\(offset + elements) are outside a tensor of shape \(shape)")
            }
            runs.append(Run(path: path, shape: shape, offset: offset, values: try reader.floats(count: elements)))
        }
        guard reader.remaining == 0 else { throw .invalidLogRecord("\(reader.remaining) bytes after the last tensor") }
        self.runs = runs
    }
}

/// Reads little-endian integers and floats from a byte array, refusing to run past its end.
private struct LittleEndianReader {
    let bytes: [UInt8]
    var position = 0

    var remaining: Int { bytes.count - position }

    mutating func integer<T: FixedWidthInteger>() throws(StorageDamage) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw .invalidLogRecord("the record ends inside a field") }
        var value = T.zero
        for index in 0..<size { value |= T(bytes[position + index]) << (8 * index) }
        position += size
        return value
    }

    /// A non-negative count or index that fits an `Int`.
    mutating func count() throws(StorageDamage) -> Int {
        let value: UInt64 = try integer()
        guard value <= UInt64(Int.max) else { throw .invalidLogRecord("a count of \(value)") }
        return Int(value)
    }

    mutating func version() throws(StorageDamage) -> Int { try count() }

    mutating func bytes(count: UInt64) throws(StorageDamage) -> ArraySlice<UInt8> {
        guard count <= UInt64(remaining) else { throw .invalidLogRecord("a field longer than the record") }
        defer { position += Int(count) }
        return bytes[position..<position + Int(count)]
    }

    mutating func floats(count: Int) throws(StorageDamage) -> [Float] {
        guard count <= remaining / 4 else { throw .invalidLogRecord("more elements than the record holds") }
        let start = position
        position += count * 4
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<start + count * 4]))
            }
            initialized = count
        }
    }
}
