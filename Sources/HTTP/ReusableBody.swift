import Synchronization

/// A large request body read into a buffer that goes back to a small shared pool when the
/// request is done with it, for routes that read their body once and keep none of it (a
/// forward's inputs are parsed into a tensor of their own).
///
/// Why: a body of 128 KiB or more that the server allocates per request is a fresh `mmap`
/// (``MemoryPolicy`` in Service keeps glibc's threshold fixed, so freed large blocks leave the
/// heap), and the kernel faults in and zeroes every page of it: a 1 MB batch-64 forward took
/// 316 page faults, a fifth of its CPU. A buffer from the pool is already resident and warm.
/// The pool keeps at most ``ReusableBody/poolBytes`` in all, so what it holds between requests is
/// bounded whatever the traffic.
///
/// The buffer returns to the pool in `deinit`: only once nothing refers to the body any more,
/// so no request can see another's bytes.
public final class ReusableBody: HTTPBodyDestination, @unchecked Sendable {
    // Unchecked: the server fills the buffer on one event loop before the handler runs; after
    // that it is only read.
    private let buffer: PooledBuffer
    public let byteCount: Int

    /// The smallest body worth a pooled buffer: smaller ones come from the allocator's heaps,
    /// which already reuse their memory.
    public static let minimumBytes = 128 * 1024
    /// The largest body given a pooled buffer: larger ones are allocated and freed as before, so
    /// a rare huge body does not stay resident.
    public static let maximumBytes = 8 << 20
    /// The most the pool keeps between requests, over all its buffers: enough for 16
    /// connections' batch-64 JSON forwards (1 MB each) in flight at once.
    public static let poolBytes = 16 << 20

    /// A buffer of at least `byteCount` bytes from the pool, or a new one.
    init(byteCount: Int) {
        self.byteCount = byteCount
        buffer = Self.pool.take(atLeast: byteCount)
    }

    deinit { Self.pool.giveBack(buffer) }

    public func withUnsafeMutableBytes<Result>(_ body: (UnsafeMutableRawBufferPointer) -> Result) -> Result {
        body(UnsafeMutableRawBufferPointer(rebasing: buffer.bytes[..<byteCount]))
    }

    /// The body's bytes, bound to `UInt8`, valid while this object is alive.
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try withExtendedLifetime(self) { () throws(Failure) -> Result in
            try body(UnsafeRawBufferPointer(rebasing: buffer.bytes[..<byteCount]))
        }
    }

    /// The plan for a route that reads its body once: a pooled buffer for a Content-Length body
    /// between ``minimumBytes`` and ``maximumBytes``, the server's own buffer otherwise.
    public static func plan(_ request: HTTPRequest) -> HTTPBodyPlan {
        guard case .length(let length) = request.head.framing, length >= minimumBytes, length <= maximumBytes else {
            return .buffered
        }
        return .into(ReusableBody(byteCount: length))
    }

    private static let pool = BufferPool(limit: poolBytes)
}

/// Memory allocated once, bound to `UInt8`, freed by the pool that owns it.
struct PooledBuffer: @unchecked Sendable {
    // Unchecked: a buffer belongs to one body at a time (taken from the pool under its lock,
    // given back under it), so no two threads use it at once.
    let bytes: UnsafeMutableRawBufferPointer

    init(capacity: Int) {
        let start = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        start.bindMemory(to: UInt8.self, capacity: capacity)
        bytes = UnsafeMutableRawBufferPointer(start: start, count: capacity)
    }

    func free() { bytes.deallocate() }
}

/// The free buffers of ``ReusableBody``, at most `limit` bytes of them.
final class BufferPool: Sendable {
    private struct Free {
        var buffers: [PooledBuffer] = []
        var bytes = 0
    }

    private let free = Mutex(Free())
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// The smallest free buffer that holds `byteCount` bytes, or a new one rounded up to 64 KiB
    /// (so bodies of slightly different sizes share buffers).
    func take(atLeast byteCount: Int) -> PooledBuffer {
        let found = free.withLock { free -> PooledBuffer? in
            var best: Int?
            for (index, buffer) in free.buffers.enumerated() where buffer.bytes.count >= byteCount {
                if best.map({ buffer.bytes.count < free.buffers[$0].bytes.count }) ?? true { best = index }
            }
            guard let best else { return nil }
            let buffer = free.buffers.remove(at: best)
            free.bytes -= buffer.bytes.count
            return buffer
        }
        return found ?? PooledBuffer(capacity: (byteCount + 0xFFFF) & ~0xFFFF)
    }

    /// Keeps `buffer` for a later body, or frees it (or the smallest kept ones, to make room for
    /// it) when that would hold more than the limit.
    func giveBack(_ buffer: PooledBuffer) {
        let evicted = free.withLock { free -> [PooledBuffer] in
            guard buffer.bytes.count <= limit else { return [buffer] }
            var evicted: [PooledBuffer] = []
            free.buffers.sort { $0.bytes.count > $1.bytes.count }
            while free.bytes + buffer.bytes.count > limit, let smallest = free.buffers.popLast() {
                free.bytes -= smallest.bytes.count
                evicted.append(smallest)
            }
            free.buffers.append(buffer)
            free.bytes += buffer.bytes.count
            return evicted
        }
        // Unmapped outside the lock: munmap can take a while.
        for buffer in evicted { buffer.free() }
    }
}
