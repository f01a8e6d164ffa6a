import CLibPQ

/// The rows of one statement, in binary format, read in place from libpq's buffer. Owned by
/// the connection's thread like the connection; freed when released.
public final class PostgresResult {
    private let result: OpaquePointer

    init(_ result: OpaquePointer) { self.result = result }
    deinit { PQclear(result) }

    public var rowCount: Int { Int(PQntuples(result)) }
    public var columnCount: Int { Int(PQnfields(result)) }
    /// Rows a command touched (`UPDATE … `: how many matched), 0 when it does not say.
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }

    public func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(result, Int32(row), Int32(column)) != 0 }

    private func raw(_ row: Int, _ column: Int) -> UnsafeRawBufferPointer {
        let count = Int(PQgetlength(result, Int32(row), Int32(column)))
        guard let base = PQgetvalue(result, Int32(row), Int32(column)) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: UnsafeRawPointer(base), count: count)
    }

    /// A `text` (or any type whose binary form is its UTF-8 text: `text`, `varchar`, `name`).
    public func text(_ row: Int, _ column: Int) -> String {
        String(decoding: raw(row, column), as: UTF8.self)
    }

    /// An `int2`, `int4` or `int8` (binary: big-endian of its width).
    public func int64(_ row: Int, _ column: Int) throws(PostgresError) -> Int64 {
        let bytes = raw(row, column)
        switch bytes.count {
        case 2: return Int64(Int16(bigEndian: bytes.loadUnaligned(as: Int16.self)))
        case 4: return Int64(Int32(bigEndian: bytes.loadUnaligned(as: Int32.self)))
        case 8: return Int64(bigEndian: bytes.loadUnaligned(as: Int64.self))
        default: throw .unexpectedResult("column \(column) is \(bytes.count) bytes wide, not an integer")
        }
    }

    /// A `bool` (binary: one byte).
    public func bool(_ row: Int, _ column: Int) -> Bool { raw(row, column).first == 1 }

    /// A `bytea` as bytes.
    public func bytes(_ row: Int, _ column: Int) -> [UInt8] { Array(raw(row, column)) }

    /// A `bytea` of little-endian float32s, copied straight into the array (no byte array between).
    public func float32s(_ row: Int, _ column: Int) throws(PostgresError) -> [Float] {
        let bytes = raw(row, column)
        guard bytes.count % 4 == 0 else { throw .unexpectedResult("a float32 column holds \(bytes.count) bytes, not a multiple of 4") }
        return [Float](unsafeUninitializedCapacity: bytes.count / 4) { buffer, initialized in
            if let base = bytes.baseAddress { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: base, byteCount: bytes.count) }
            initialized = bytes.count / 4
        }
    }
}
