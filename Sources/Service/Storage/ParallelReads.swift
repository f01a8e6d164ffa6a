import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads a large tensor on every core at once: its bytes are split into pieces of
/// ``pieceBytes``, each read straight into its place in the tensor's own array and
/// checksummed by the thread that read it; the pieces' CRC-32s are then combined in order.
///
/// Reading one checkpoint is otherwise one thread copying from the page cache and then
/// checksumming what it copied, which leaves the other cores idle at start-up; the disk, when
/// the file is not cached, is kept busy by more than one request at a time.
enum ParallelReads {
    /// Large enough that a piece's system call and hand-off cost nothing against its copy.
    static let pieceBytes = 8 << 20

    /// `count` little-endian Float32 values from `offset` and the CRC-32 of their bytes.
    static func floats(_ descriptor: Int32, count: Int, at offset: Int, path: String) throws(StorageError)
        -> (values: [Float], crc: UInt32)
    {
        let byteCount = count * MemoryLayout<Float>.size
        guard count > 0 else { return ([], 0) }
        let pieces = (byteCount + pieceBytes - 1) / pieceBytes
        let outcomes = PieceOutcomes(count: pieces)
        let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = PieceTarget(base: UnsafeMutableRawPointer(buffer.baseAddress!))
            adviseHugePages(target.base, byteCount)
            DispatchQueue.concurrentPerform(iterations: pieces) { index in
                let start = index * pieceBytes
                let piece = UnsafeMutableRawBufferPointer(start: target.base + start, count: min(pieceBytes, byteCount - start))
                do throws(StorageError) {
                    try SystemCalls.readExactly(descriptor, into: piece, at: offset + start, path: path)
                    outcomes.record(index, .success(CRC32.checksum(UnsafeRawBufferPointer(piece))))
                } catch {
                    outcomes.record(index, .failure(error))
                }
            }
            initialized = count
        }
        var crc = CRC32()
        for (index, outcome) in outcomes.all.enumerated() {
            switch outcome {
            case .success(let checksum): crc.append(checksum, length: min(pieceBytes, byteCount - index * pieceBytes))
            case .failure(let error): throw error
            }
        }
        return (values, crc.value)
    }

    /// Asks for transparent huge pages where the kernel grants them on request (`madvise`
    /// mode, this machine's default): a 64 MB tensor then takes 32 page faults instead of
    /// 16,384 as it is filled. Only a hint: on failure the pages are small, nothing else.
    private static func adviseHugePages(_ base: UnsafeMutableRawPointer, _ byteCount: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + page - 1) / page * page
        let end = (Int(bitPattern: base) + byteCount) / page * page
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, MADV_HUGEPAGE)
    }
}

/// Where the pieces go: one array's storage, each piece written by one thread only.
private struct PieceTarget: @unchecked Sendable {
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
