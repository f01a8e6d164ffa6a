/// A statement parameter, sent to the server in its binary form where that saves a conversion
/// (integers, `bytea`) and as text otherwise (the server infers the type from the statement,
/// so `$1::bigint[]` takes `"{8,4}"`).
public enum PostgresValue: Sendable {
    case null
    case text(String)
    case int64(Int64)
    case bytes([UInt8])
    /// A `bytea` holding the floats as little-endian IEEE 754 binary32, as safetensors does.
    case float32s([Float])

    /// The type OID paramd tells the server (0: let it infer from the statement).
    var typeOID: UInt32 {
        switch self {
        case .null, .text: 0
        case .int64: 20  // int8
        case .bytes, .float32s: 17  // bytea
        }
    }

    /// 0: text, 1: binary, as PQexecParams counts formats.
    var format: Int32 {
        switch self {
        case .null, .text: 0
        case .int64, .bytes, .float32s: 1
        }
    }

    /// The value's bytes in its format, in memory that the caller frees; nil for NULL.
    func encoded() -> (pointer: UnsafeMutableRawPointer, count: Int)? {
        func copy(_ raw: UnsafeRawBufferPointer, terminated: Bool) -> (UnsafeMutableRawPointer, Int) {
            let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(raw.count + (terminated ? 1 : 0), 1), alignment: 8)
            if let base = raw.baseAddress { pointer.copyMemory(from: base, byteCount: raw.count) }
            if terminated { pointer.storeBytes(of: 0, toByteOffset: raw.count, as: UInt8.self) }
            return (pointer, raw.count)
        }
        switch self {
        case .null:
            return nil
        case .text(let string):
            var utf8 = string
            return utf8.withUTF8 { copy(UnsafeRawBufferPointer($0), terminated: true) }
        case .int64(let value):
            return withUnsafeBytes(of: value.bigEndian) { copy($0, terminated: false) }
        case .bytes(let bytes):
            return bytes.withUnsafeBytes { copy($0, terminated: false) }
        case .float32s(let floats):
            // Little-endian hosts only (x86-64, arm64): the in-memory form is the stored form.
            return floats.withUnsafeBytes { copy($0, terminated: false) }
        }
    }
}
