/// The numbers of a tensor as they are read, in fixed-size blocks, then copied once into an
/// array of exactly their count.
///
/// Why not one growing array: its size is unknown until the end, and reserving for the worst
/// case (the body's bytes / 4) asked malloc for five times the floats of a Python-default body,
/// above glibc's mmap threshold: every request mapped fresh pages and faulted on each one it
/// touched (50 faults per batch-64 forward). Blocks of 16 KiB come from the heap and stay in
/// L1 while the row kernel fills them.
final class FloatBlocks {
    /// Floats in a block.
    static let capacity = 4096

    /// Blocks already full, in order.
    private var full: [UnsafeMutablePointer<Float>] = []
    /// The block being filled; `filled` of its floats are written.
    private(set) var current = UnsafeMutablePointer<Float>.allocate(capacity: FloatBlocks.capacity)
    /// Floats written in ``current``.
    var filled = 0

    /// Floats in the full blocks.
    var stored: Int { full.count * Self.capacity }

    init() {}

    deinit {
        current.deallocate()
        for block in full { block.deallocate() }
    }

    /// Moves on to a fresh block once ``current`` is full.
    func startBlock() {
        full.append(current)
        current = .allocate(capacity: Self.capacity)
        filled = 0
    }

    /// Every float written, in order.
    func array() -> [Float] {
        let count = stored + filled
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            var offset = 0
            for block in full {
                (buffer.baseAddress! + offset).update(from: block, count: Self.capacity)
                offset += Self.capacity
            }
            if filled > 0 { (buffer.baseAddress! + offset).update(from: current, count: filled) }
            initialized = count
        }
    }
}
