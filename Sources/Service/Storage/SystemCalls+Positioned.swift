import CSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and writes at an offset, sizes and truncation: what the commit log and the
/// copy-free checkpoint reader need.
extension SystemCalls {
    /// Opens (creating if needed) `path` for reading and writing at offsets.
    static func openForUpdate(_ path: String, create: Bool = false) throws(StorageError) -> Int32 {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0)
        let descriptor = retrying { open(path, flags, 0o644) }
        guard descriptor >= 0 else { throw StorageError(errno: lastError, operation: "open", path: path) }
        return descriptor
    }

    static func fileSize(_ descriptor: Int32, path: String) throws(StorageError) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw StorageError(errno: lastError, operation: "stat", path: path) }
        return Int(status.st_size)
    }

    /// Fills `buffer` from `offset`; a file that ends first is `.ioFailure(EIO)` (the caller
    /// checked the size, so a short file changed under it).
    static func readExactly(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: String)
        throws(StorageError)
    {
        var filled = 0
        while filled < buffer.count {
            let count = retrying { pread(descriptor, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset + filled)) }
            guard count > 0 else { throw StorageError(errno: count == 0 ? EIO : lastError, operation: "read", path: path) }
            filled += count
        }
    }

    static func readExactly(_ descriptor: Int32, into bytes: inout [UInt8], at offset: Int, path: String) throws(StorageError) {
        var failure: StorageError?
        bytes.withUnsafeMutableBytes { buffer in
            do throws(StorageError) { try readExactly(descriptor, into: buffer, at: offset, path: path) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Writes all of `buffer` at `offset`.
    static func writeExactly(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer, at offset: Int, path: String) throws(StorageError) {
        var written = 0
        while written < buffer.count {
            let count = retrying { pwrite(descriptor, buffer.baseAddress! + written, buffer.count - written, off_t(offset + written)) }
            guard count > 0 else { throw StorageError(errno: count == 0 ? EIO : lastError, operation: "write", path: path) }
            written += count
        }
    }

    /// Starts writing a range back to the device, without waiting; a hint (an error is
    /// ignored: the fsync that follows reports any that matters).
    static func startWriteback(_ descriptor: Int32, from offset: Int, count: Int) {
        _ = csystem_start_writeback(descriptor, Int64(offset), Int64(count))
    }

    /// Flushes the file's data and what is needed to read it back (its size), not its times.
    static func syncData(_ descriptor: Int32, path: String) throws(StorageError) {
        guard retrying({ fdatasync(descriptor) }) == 0 else {
            throw StorageError(errno: lastError, operation: "fsync", path: path)
        }
    }

    static func truncate(_ descriptor: Int32, to length: Int, path: String) throws(StorageError) {
        guard retrying({ ftruncate(descriptor, off_t(length)) }) == 0 else {
            throw StorageError(errno: lastError, operation: "truncate", path: path)
        }
    }
}
