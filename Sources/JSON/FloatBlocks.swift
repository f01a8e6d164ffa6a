/// The numbers of a tensor as they are read, in blocks, then copied once into an array of
/// exactly their count.
///
/// Why not one growing array: its size is unknown until the end, and reserving for the worst
/// case (the body's bytes / 4) asked malloc for five times the floats of a Python-default body,
/// above glibc's mmap threshold: every request mapped fresh pages and faulted on each one it
/// touched (50 faults per batch-64 forward). Blocks start at 4 KiB (in L1 while the row kernel
/// fills them) and double up to 64 KiB, under the mmap threshold, so they come from the heap and
/// a batch of 64 rows takes seven.
final class FloatBlocks {
    /// Floats in the first block; each next one doubles, up to ``largest``.
    static let smallest = 1024
    /// Floats in the largest block.
    static let largest = 16384
    /// Floats copied by one call of the final copy: glibc copies 4 KiB with vector loads and
    /// stores, more with `rep movsb`, as fast here but counted by callgrind as one instruction
    /// a byte, which would blur the instruction counts the JSON benchmark reports.
    private static let copyStep = 1024

    // Unchecked exclusivity: one owner (the reading scanner) uses an instance at a time, and
    // the dynamic checks of class properties cost more than the rest of a batch-1 read's
    // bookkeeping.
    /// Blocks already full, in order, with their sizes.
    @exclusivity(unchecked) private var full: [(start: UnsafeMutablePointer<Float>, count: Int)] = []
    /// The block being filled; `filled` of its `capacity` floats are written.
    @exclusivity(unchecked) private(set) var current = UnsafeMutablePointer<Float>.allocate(capacity: FloatBlocks.smallest)
    /// Floats ``current`` holds.
    @exclusivity(unchecked) private(set) var capacity = FloatBlocks.smallest
    /// Floats written in ``current``.
    @exclusivity(unchecked) var filled = 0
    /// Floats in the full blocks.
    @exclusivity(unchecked) private(set) var stored = 0

    init() {}

    deinit {
        current.deallocate()
        for block in full { block.start.deallocate() }
    }

    /// Moves on to a fresh block once ``current`` is full.
    func startBlock() {
        full.append((current, capacity))
        stored += capacity
        capacity = min(2 * capacity, Self.largest)
        current = .allocate(capacity: capacity)
        filled = 0
    }

    /// Every float written, in order.
    /// Large arrays come from ``FloatArrayPool`` (already resident), smaller ones are new.
    func array() -> [Float] {
        let count = stored + filled
        if count >= FloatArrayPool.minimumCount {
            var array = FloatArrayPool.shared.emptyArray(capacity: count)
            for block in full { Self.append(block.start, count: block.count, to: &array) }
            Self.append(current, count: filled, to: &array)
            return array
        }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            var destination = buffer.baseAddress!
            for block in full { Self.copy(block.start, count: block.count, to: &destination) }
            Self.copy(current, count: filled, to: &destination)
            initialized = count
        }
    }

    /// Appends `count` floats from `source` to `array`, ``copyStep`` at a time.
    private static func append(_ source: UnsafePointer<Float>, count: Int, to array: inout [Float]) {
        var offset = 0
        while offset < count {
            let step = min(copyStep, count - offset)
            array.append(contentsOf: UnsafeBufferPointer(start: source + offset, count: step))
            offset += step
        }
    }

    /// Copies `count` floats from `source` to `destination`, ``copyStep`` at a time, and moves
    /// `destination` past them.
    private static func copy(_ source: UnsafePointer<Float>, count: Int, to destination: inout UnsafeMutablePointer<Float>) {
        var offset = 0
        while offset < count {
            let step = min(copyStep, count - offset)
            destination.update(from: source + offset, count: step)
            destination += step
            offset += step
        }
    }
}
