/// A response head's bytes (with a small body riding along), in storage a connection reuses.
///
/// The connection's machine keeps one and encodes each response head into it. The output queue
/// holds a reference until the socket has taken the bytes; by the next response the machine's
/// reference is usually the only one again (``isKnownUniquelyReferenced(_:)``), and the same
/// storage serves again: no allocation per response. When the queue still holds it (pipelined
/// requests answered in one turn), the machine takes a new one and the old one is freed once
/// written. A new `[UInt8]` per head was one malloc and free, and a generic metadata lookup for
/// its storage's type, per request.
final class HeadBuffer {
    /// The first byte; `capacity` bytes are allocated, the first `count` written.
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 512) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Replaces the contents with what `write` writes: at most `maximum` bytes, from the start
    /// (the storage grows first when it is smaller; nothing in it is kept).
    func rewrite(maximum: Int, _ write: (inout ByteWriter) -> Void) {
        if maximum > capacity {
            base.deallocate()
            capacity = max(maximum, capacity * 2)
            base = .allocate(capacity: capacity)
        }
        var writer = ByteWriter(base)
        write(&writer)
        count = writer.position - base
        precondition(count <= maximum, "response head bounded at \(maximum) bytes, wrote \(count)")
    }

    /// The written bytes.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// A copy of the written bytes, for tests and for callers that keep them.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
