import Glibc

/// Bytes waiting to be written, as a queue of arrays with a read offset into the first.
struct OutputQueue {
    private var chunks: [[UInt8]] = []
    private var offset = 0
    private(set) var byteCount = 0

    var isEmpty: Bool { byteCount == 0 }
    var firstCount: Int { chunks.isEmpty ? 0 : chunks[0].count - offset }

    mutating func append(_ bytes: [UInt8]) {
        if bytes.isEmpty { return }
        chunks.append(bytes)
        byteCount += bytes.count
    }

    mutating func consume(_ count: Int) {
        var remaining = count
        byteCount -= count
        while remaining > 0 {
            let available = chunks[0].count - offset
            if remaining >= available {
                remaining -= available
                chunks.removeFirst()
                offset = 0
            } else {
                offset += remaining
                remaining = 0
            }
        }
    }

    /// The first `length` unwritten bytes of the first chunk.
    func withFirst<R>(_ length: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        chunks[0].withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + length)])) }
    }

    /// Up to the first two chunks as iovecs, for one writev: a response head and its large body.
    func withVectors<R>(_ body: (UnsafeBufferPointer<iovec>) -> R) -> R {
        chunks[0].withUnsafeBytes { first in
            let head = iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress! + offset), iov_len: first.count - offset)
            guard chunks.count > 1 else {
                return withUnsafePointer(to: head) { body(UnsafeBufferPointer(start: $0, count: 1)) }
            }
            return chunks[1].withUnsafeBytes { second in
                let vectors = [head, iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress!), iov_len: second.count)]
                return vectors.withUnsafeBufferPointer { body($0) }
            }
        }
    }
}
