/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) — the checksum of zlib, gzip and PNG, so
/// `python3 -c "import zlib; print(zlib.crc32(open(f, 'rb').read()))"` can check a file by hand.
///
/// Slicing-by-8 (Intel, 2006): eight table lookups per 8 input bytes instead of one per byte,
/// a few GB/s, so checksumming a 400 MB model costs well under a second.
struct CRC32 {
    private(set) var value: UInt32 = 0

    /// The checksum of `bytes` in one call.
    static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }

    mutating func update(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { update($0) }
        }
    }

    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        var crc = ~value
        var index = 0
        let count = buffer.count
        crc32Tables.withUnsafeBufferPointer { table in
            while count - index >= 8 {
                let low = crc ^ buffer.loadUnaligned(fromByteOffset: index, as: UInt32.self).littleEndian
                let high = buffer.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self).littleEndian
                crc = table[7 * 256 + Int(low & 0xFF)] ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)] ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xFF)] ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ table[1 * 256 + Int((high >> 16) & 0xFF)] ^ table[Int(high >> 24)]
                index += 8
            }
            while index < count {
                crc = table[Int((crc ^ UInt32(buffer[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }
        value = ~crc
    }
}

/// Eight 256-entry tables: table k maps a byte to its CRC after k further zero bytes.
private let crc32Tables: [UInt32] = {
    var tables = [UInt32](repeating: 0, count: 8 * 256)
    for byte in 0..<256 {
        var crc = UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        tables[byte] = crc
    }
    for byte in 0..<256 {
        for slice in 1..<8 {
            let previous = tables[(slice - 1) * 256 + byte]
            tables[slice * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
        }
    }
    return tables
}()
