import HTTP

/// Formatted access-log lines waiting for the log's writer: plain memory that grows by doubling
/// and is reused, so recording a line allocates nothing once the buffer has reached its working
/// size. Not thread-safe: ``AccessLog`` guards it with its lock, and its writer swaps in an
/// empty one to write the full one outside the lock.
struct AccessLogBuffer: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    /// Lines held: the log's limit is counted in lines.
    private(set) var lines = 0

    init(capacity: Int = 16 << 10) {
        self.capacity = max(capacity, 256)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var isEmpty: Bool { lines == 0 }

    /// Writes one line of at most `maximumLength` bytes with `write`, which returns where it stopped.
    mutating func append(maximumLength: Int, _ write: (inout ByteWriter) -> Void) {
        if count + maximumLength > capacity { grow(toHold: count + maximumLength) }
        var writer = ByteWriter(base + count)
        write(&writer)
        count = writer.position - base
        lines += 1
    }

    mutating func removeAll() {
        count = 0
        lines = 0
    }

    private mutating func grow(toHold needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }
}
