import CZlib

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) — the checksum of zlib, gzip and PNG, so
/// `python3 -c "import zlib; print(zlib.crc32(open(f, 'rb').read()))"` can check a file by hand.
///
/// zlib computes it (`crc32_z`, with its own vectorized code where the CPU has it): paramd
/// links zlib for gzip anyway, and a second implementation here would only be one more to test.
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

    /// Extends the checksum by bytes checksummed apart: `crc` of `length` bytes that follow
    /// those already covered (zlib's `crc32_combine`), so parts can be checksummed in parallel.
    mutating func append(_ crc: UInt32, length: Int) {
        value = UInt32(truncatingIfNeeded: crc32_combine(UInt(value), UInt(crc), off_t(length)))
    }

    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        value = UInt32(truncatingIfNeeded: crc32_z(UInt(value), base.assumingMemoryBound(to: UInt8.self), buffer.count))
    }
}
