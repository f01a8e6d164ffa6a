import Dispatch

/// Large tensors moved between memory and a file on every core at once: the bytes are split
/// into pieces of ``pieceBytes``, each piece read or written (`pread`/`pwrite`, straight into or
/// from the tensor's own storage) and checksummed by the thread that moved it, and the pieces'
/// CRC-32s are combined in order into the CRC-32 of the whole (zlib's `crc32_combine`).
///
/// One thread copying to or from the page cache and then checksumming what it copied leaves
/// the other cores idle while a 1 GB model is loaded or saved; it also makes two passes over the
/// data where one does.
enum ParallelPieces {
    /// Large enough that a piece's system call and hand-off cost nothing against its copy.
    static let pieceBytes = 8 << 20

    /// Runs `move` on every piece of `byteCount` bytes (its byte range), on every core at once,
    /// and returns the CRC-32 of the whole from the CRC-32 each returns for its piece.
    /// - Throws: the error of the first piece (in order) that failed.
    static func checksum(byteCount: Int, _ move: @Sendable (Range<Int>) throws(StorageError) -> UInt32) throws(StorageError) -> UInt32 {
        let pieces = (byteCount + pieceBytes - 1) / pieceBytes
        let outcomes = PieceOutcomes(count: pieces)
        DispatchQueue.concurrentPerform(iterations: pieces) { index in
            let start = index * pieceBytes
            do throws(StorageError) {
                outcomes.record(index, .success(try move(start..<min(byteCount, start + pieceBytes))))
            } catch {
                outcomes.record(index, .failure(error))
            }
        }
        var crc = CRC32()
        for (index, outcome) in outcomes.all.enumerated() {
            switch outcome {
            case .success(let checksum): crc.append(checksum, length: min(pieceBytes, byteCount - index * pieceBytes))
            case .failure(let error): throw error
            }
        }
        return crc.value
    }

    /// `count` little-endian Float32 values read from `offset` into a new array, and the
    /// CRC-32 of their bytes.
    static func readFloats(_ descriptor: Int32, count: Int, at offset: Int, path: String) throws(StorageError)
        -> (values: [Float], crc: UInt32)
    {
        guard count > 0 else { return ([], 0) }
        let byteCount = count * MemoryLayout<Float>.size
        var result: Result<UInt32, StorageError> = .success(0)
        let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            // No `madvise(MADV_HUGEPAGE)`: measured here, huge pages saved a fifth of a warm
            // start but made a cold one (page cache just dropped) four times slower; tried again
            // on 2026-12-04 (bench/storage/RESULTS.md), 2.6-5.8 times slower warm and cold.
            let memory = PieceMemory(base: UnsafeMutableRawPointer(buffer.baseAddress!))
            result = Result { () throws(StorageError) in
                try checksum(byteCount: byteCount) { (range) throws(StorageError) in
                    let piece = UnsafeMutableRawBufferPointer(start: memory.base + range.lowerBound, count: range.count)
                    try SystemCalls.readExactly(descriptor, into: piece, at: offset + range.lowerBound, path: path)
                    return CRC32.checksum(UnsafeRawBufferPointer(piece))
                }
            }
            initialized = count
        }
        return (values, try result.get())
    }

    /// Writes `bytes` at `offset`, handing each piece to write-back as soon as it is written
    /// (the closing fsync then waits for the last pieces only); returns their CRC-32.
    static func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws(StorageError)
        -> UInt32
    {
        guard let base = bytes.baseAddress else { return 0 }
        let memory = PieceMemory(base: UnsafeMutableRawPointer(mutating: base))
        return try checksum(byteCount: bytes.count) { (range) throws(StorageError) in
            let piece = UnsafeRawBufferPointer(start: memory.base + range.lowerBound, count: range.count)
            try SystemCalls.writeExactly(descriptor, piece, at: offset + range.lowerBound, path: path)
            SystemCalls.startWriteback(descriptor, from: offset + range.lowerBound, count: range.count)
            return CRC32.checksum(piece)
        }
    }
}

/// The memory the pieces are moved to or from, shared by their threads: each piece's thread
/// touches its own byte range only, and the caller keeps the memory alive until all are done.
private struct PieceMemory: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
}

/// What each piece's thread found: its CRC or its error, one slot per piece, each written by
/// its own thread and read after all have finished.
private final class PieceOutcomes: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Result<UInt32, StorageError>>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: .success(0))
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func record(_ index: Int, _ outcome: Result<UInt32, StorageError>) { slots[index] = outcome }

    var all: [Result<UInt32, StorageError>] { Array(slots) }
}
