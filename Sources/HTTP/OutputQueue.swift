import Glibc

/// Bytes waiting to be written, as a queue of chunks with a read offset into the first. A chunk
/// is an array the queue owns, or ``BorrowedBytes`` kept alive by their owner until written.
struct OutputQueue {
    /// Chunks before `first` are written, and slots from `end` on are spare (``OutputChunk/written``
    /// too): when the queue empties, both go back to 0 and the next chunks overwrite the same
    /// slots. Removing each written chunk from the front shifted the array, once per response,
    /// and emptying it went through the generic `replaceSubrange`.
    private var chunks: [OutputChunk] = []
    private var first = 0
    private var end = 0
    private var offset = 0
    private(set) var byteCount = 0

    /// How many chunks one writev gathers: a streamed body's chunk is three (size line, bytes,
    /// CRLF), so a few chunks of it and a response head go out in one system call.
    static let maxVectors = 16

    var isEmpty: Bool { byteCount == 0 }
    var firstCount: Int { first == end ? 0 : chunks[first].count - offset }

    mutating func append(_ bytes: [UInt8]) {
        if bytes.isEmpty { return }
        byteCount += bytes.count
        push(.owned(bytes))
    }

    mutating func append(_ head: HeadBuffer) {
        if head.count == 0 { return }
        byteCount += head.count
        push(.head(head))
    }

    mutating func append(_ bytes: BorrowedBytes) {
        if bytes.count == 0 { return }
        byteCount += bytes.count
        push(.borrowed(bytes))
    }

    /// Puts `chunk` in the first spare slot.
    private mutating func push(_ chunk: consuming OutputChunk) {
        if end < chunks.count {
            chunks[end] = chunk
        } else {
            chunks.append(chunk)
        }
        end += 1
    }

    mutating func consume(_ count: Int) {
        var remaining = count
        byteCount -= count
        while remaining > 0 {
            let available = chunks[first].count - offset
            if remaining >= available {
                remaining -= available
                chunks[first] = .written
                first += 1
                offset = 0
            } else {
                offset += remaining
                remaining = 0
            }
        }
        if first == end {
            first = 0
            end = 0
        } else if first >= 64 {
            // A stream that never lets the queue empty: drop the written chunks now and then.
            chunks.removeFirst(first)
            end -= first
            first = 0
        }
    }

    /// The first `length` unwritten bytes of the first chunk.
    func withFirst<R>(_ length: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        chunks[first].withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + length)])) }
    }

    /// The unwritten bytes as one iovec when they are all in one chunk (a response whose body
    /// rides in its head, as a rule); nil, without calling `body`, otherwise. Gathering copied
    /// the queue and its chunk, where this reads the chunk in place.
    mutating func withSoleVector<R>(_ body: (UnsafeBufferPointer<iovec>) -> R) -> R? {
        guard first + 1 == end else { return nil }
        let (first, offset) = (self.first, self.offset)
        return chunks.withUnsafeBufferPointer { chunks in
            chunks[first].withUnsafeBytes { bytes in
                var vector = iovec(
                    iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress.map { $0 + offset }), iov_len: bytes.count - offset)
                return withUnsafePointer(to: &vector) { body(UnsafeBufferPointer(start: $0, count: 1)) }
            }
        }
    }

    /// Up to the first ``maxVectors`` chunks as iovecs, for one writev: a response head and its
    /// large body, or the framed chunks of a streamed body.
    ///
    /// Mutating though it changes nothing: the queue is then reached in place in its
    /// connection, where a non-mutating call on the class's property may copy it.
    mutating func withVectors<R>(_ body: (UnsafeBufferPointer<iovec>) -> R) -> R {
        // On the stack: an array here was one heap allocation per flush, i.e. per response.
        withUnsafeTemporaryAllocation(of: iovec.self, capacity: Self.maxVectors) { vectors in
            gather(from: first, into: vectors, body)
        }
    }

    /// Fills `vectors` from chunk `index` on, each inside its own pointer's lifetime.
    private func gather<R>(
        from index: Int, into vectors: UnsafeMutableBufferPointer<iovec>, _ body: (UnsafeBufferPointer<iovec>) -> R
    ) -> R {
        let slot = index - first
        guard index < end, slot < Self.maxVectors else {
            return body(UnsafeBufferPointer(rebasing: vectors[..<slot]))
        }
        return chunks[index].withUnsafeBytes { bytes in
            let skip = slot == 0 ? offset : 0
            vectors[slot] = iovec(
                iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress.map { $0 + skip }), iov_len: bytes.count - skip)
            return gather(from: index + 1, into: vectors, body)
        }
    }
}

/// One queued chunk: bytes the queue owns, or bytes it borrows.
private enum OutputChunk {
    case owned([UInt8])
    /// A response head in its connection's reused buffer: let go of once written, so the
    /// connection can encode its next head there.
    case head(HeadBuffer)
    case borrowed(BorrowedBytes)
    /// A chunk already written, its bytes (or their owner) let go of at once.
    case written

    var count: Int {
        switch self {
        case .owned(let bytes): bytes.count
        case .head(let head): head.count
        case .borrowed(let bytes): bytes.count
        case .written: 0
        }
    }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        switch self {
        case .owned(let bytes): bytes.withUnsafeBytes(body)
        case .head(let head): head.withUnsafeBytes(body)
        case .borrowed(let bytes): body(UnsafeRawBufferPointer(start: bytes.base, count: bytes.count))
        case .written: body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }
}
