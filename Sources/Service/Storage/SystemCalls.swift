#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The POSIX calls storage needs, each retried on EINTR and turned into a ``StorageError``.
///
/// The one file of the Storage folder that touches the C library, so the rest reads as plain
/// Swift. Everything here blocks: call it from ``ModelFileStore``'s queue, never from the
/// cooperative pool.
enum SystemCalls {
    /// The calling thread's errno.
    static var lastError: Int32 { errno }

    /// Creates `path` exclusively for writing (it must not exist) and returns the descriptor.
    static func createExclusive(_ path: String) throws(StorageError) -> Int32 {
        let descriptor = retrying { open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else { throw StorageError(errno: lastError, operation: "create", path: path) }
        return descriptor
    }

    /// Opens `path` read-only (a file, or a directory for fsync and listing).
    static func openForReading(_ path: String, directory: Bool = false) throws(StorageError) -> Int32 {
        let flags = O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0)
        let descriptor = retrying { open(path, flags) }
        guard descriptor >= 0 else { throw StorageError(errno: lastError, operation: "open", path: path) }
        return descriptor
    }

    static func close(_ descriptor: Int32) {
        // Linux closes the descriptor even when close reports EINTR: never retry.
        _ = closeDescriptor(descriptor)
    }

    /// Writes every byte, looping over short writes.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws(StorageError) {
        try withBytes(of: bytes) { (buffer) throws(StorageError) in try writeAll(descriptor, buffer, path: path) }
    }

    /// `bytes.withUnsafeBytes(body)` for a body that throws a `StorageError` (the standard
    /// library's version rethrows untyped).
    static func withBytes(of bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(StorageError) -> Void) throws(StorageError) {
        var failure: StorageError?
        bytes.withUnsafeBytes { buffer in
            do throws(StorageError) { try body(buffer) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Writes every byte of `buffer`, retrying short writes and EINTR.
    static func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws(StorageError) {
        var written = 0
        while written < buffer.count {
            let count = retrying { write(descriptor, buffer.baseAddress! + written, buffer.count - written) }
            guard count > 0 else { throw StorageError(errno: count == 0 ? EIO : lastError, operation: "write", path: path) }
            written += count
        }
    }

    /// Reads a whole file: one allocation of the size fstat reports, then reads until EOF
    /// (a file that grew meanwhile is read to its end all the same).
    static func readAll(_ path: String) throws(StorageError) -> [UInt8] {
        let descriptor = try openForReading(path)
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw StorageError(errno: lastError, operation: "stat", path: path) }
        var failure: Int32?
        var bytes = [UInt8](unsafeUninitializedCapacity: Int(status.st_size)) { buffer, initialized in
            (initialized, failure) = readUntilFullOrEnd(descriptor, UnsafeMutableRawBufferPointer(buffer))
        }
        while failure == nil {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let (count, error) = chunk.withUnsafeMutableBytes { readUntilFullOrEnd(descriptor, $0) }
            failure = error
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        if let failure { throw StorageError(errno: failure, operation: "read", path: path) }
        return bytes
    }

    /// Reads into `buffer` until it is full or the file ends; returns the count and any errno.
    private static func readUntilFullOrEnd(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> (Int, Int32?) {
        var filled = 0
        while filled < buffer.count {
            let count = retrying { read(descriptor, buffer.baseAddress! + filled, buffer.count - filled) }
            if count < 0 { return (filled, lastError) }
            if count == 0 { break }
            filled += count
        }
        return (filled, nil)
    }

    /// Flushes a descriptor's data and metadata to the device. A failure is final: after a
    /// failed fsync the kernel may have dropped the dirty pages, so the write is abandoned.
    static func sync(_ descriptor: Int32, path: String) throws(StorageError) {
        guard retrying({ fsync(descriptor) }) == 0 else {
            throw StorageError(errno: lastError, operation: "fsync", path: path)
        }
    }

    /// Makes a directory's entries (creations, renames, removals) durable.
    static func syncDirectory(_ path: String) throws(StorageError) {
        let descriptor = try openForReading(path, directory: true)
        defer { close(descriptor) }
        try sync(descriptor, path: path)
    }

    static func rename(_ source: String, to target: String) throws(StorageError) {
        guard renameFile(source, target) == 0 else {
            throw StorageError(errno: lastError, operation: "rename", path: target)
        }
    }

    /// Creates a directory; returns false when it already existed.
    @discardableResult
    static func makeDirectory(_ path: String) throws(StorageError) -> Bool {
        if mkdir(path, 0o755) == 0 { return true }
        let error = lastError
        if error == EEXIST, isDirectory(path) { return false }
        throw StorageError(errno: error, operation: "mkdir", path: path)
    }

    static func removeFile(_ path: String) throws(StorageError) {
        guard unlink(path) == 0 else { throw StorageError(errno: lastError, operation: "unlink", path: path) }
    }

    /// Removes a directory and everything under it (without following symbolic links).
    static func removeTree(_ path: String) throws(StorageError) {
        if isDirectory(path) {
            for name in try listDirectory(path) { try removeTree(path + "/" + name) }
            guard rmdir(path) == 0 else { throw StorageError(errno: lastError, operation: "rmdir", path: path) }
        } else {
            try removeFile(path)
        }
    }

    /// The names in a directory, without `.` and `..`, sorted.
    static func listDirectory(_ path: String) throws(StorageError) -> [String] {
        guard let stream = opendir(path) else { throw StorageError(errno: lastError, operation: "list", path: path) }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Whether `path` is a directory itself (a symbolic link to one is not).
    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether anything exists at `path` (without following a final symbolic link).
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Takes an exclusive advisory lock on `path` (created if needed) and returns the descriptor
    /// that holds it; nil when another process (or another open in this one) holds it.
    static func lockExclusively(_ path: String) throws(StorageError) -> Int32? {
        let descriptor = retrying { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else { throw StorageError(errno: lastError, operation: "open", path: path) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let error = lastError
            close(descriptor)
            if error == EWOULDBLOCK { return nil }
            throw StorageError(errno: error, operation: "lock", path: path)
        }
        return descriptor
    }

    /// The process id, to make temporary names unique across processes.
    static var processID: Int32 { getpid() }

    /// Runs a call again while it fails with EINTR.
    static func retrying<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }

    private static func closeDescriptor(_ descriptor: Int32) -> Int32 {
        #if canImport(Glibc)
            Glibc.close(descriptor)
        #elseif canImport(Musl)
            Musl.close(descriptor)
        #else
            Darwin.close(descriptor)
        #endif
    }

    private static func renameFile(_ source: String, _ target: String) -> Int32 {
        #if canImport(Glibc)
            Glibc.rename(source, target)
        #elseif canImport(Musl)
            Musl.rename(source, target)
        #else
            Darwin.rename(source, target)
        #endif
    }
}

extension StorageError {
    /// Classifies an errno: a full disk or quota, a permission or read-only file system, a
    /// missing file, or any other I/O failure.
    init(errno code: Int32, operation: String, path: String) {
        switch code {
        case ENOSPC, EDQUOT: self = .diskFull(path: path)
        case EACCES, EPERM, EROFS: self = .permissionDenied(path: path)
        case ENOENT: self = .fileNotFound(path: path)
        default: self = .ioFailure(operation: operation, path: path, errno: code)
        }
    }

    /// The C library's sentence for an errno.
    static func message(forErrno code: Int32) -> String { String(cString: strerror(code)) }
}
