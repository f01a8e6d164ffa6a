import Synchronization

/// Large Float arrays kept between requests, for the tensors a request parses and drops when it
/// is answered (a forward's inputs).
///
/// Why: an array of 128 KiB or more is a fresh `mmap` per request (Service's `MemoryPolicy`
/// fixes glibc's threshold there so that freed large blocks leave the heap), and the kernel
/// faults in and zeroes each of its pages: 50 faults for the inputs of a batch-64 forward of 784
/// features. A kept array is already resident.
///
/// Safe by construction: an array handed out is emptied with `removeAll(keepingCapacity:)`,
/// which keeps the storage only when nothing else refers to it (copy-on-write); an array given
/// back while someone still holds it is therefore never written under them, it just is not
/// reused. What a pool keeps is bounded by its `limitBytes`.
public final class FloatArrayPool: Sendable {
    /// The pool the request paths share: 8 MiB at most (40 batch-64 inputs of 784 features).
    public static let shared = FloatArrayPool(limitBytes: 8 << 20)

    /// The smallest array worth keeping: 128 KiB, glibc's mmap threshold; smaller ones come from
    /// the heap, which reuses its memory already.
    public static let minimumCount = 32 * 1024
    /// The largest array kept: 8 MiB.
    public static let maximumCount = 2 << 20
    /// The most this pool keeps, over all its arrays.
    public let limitBytes: Int

    private struct Free {
        var arrays: [[Float]] = []
        var bytes = 0
    }

    private let free = Mutex(Free())

    public init(limitBytes: Int) { self.limitBytes = limitBytes }

    /// An empty array with room for `count` floats: a kept one when one fits without wasting
    /// more than a quarter of itself (the array may be kept for good, as a parameter's values),
    /// else a new one.
    public func emptyArray(capacity count: Int) -> [Float] {
        var array: [Float] = []
        if count >= Self.minimumCount && count <= Self.maximumCount {
            array = free.withLock { free -> [Float] in
                var best: Int?
                for (index, kept) in free.arrays.enumerated()
                where kept.capacity >= count && kept.capacity - kept.capacity / 4 <= count {
                    if best.map({ kept.capacity < free.arrays[$0].capacity }) ?? true { best = index }
                }
                guard let best else { return [] }
                let taken = free.arrays.remove(at: best)
                free.bytes -= taken.capacity * MemoryLayout<Float>.stride
                return taken
            }
            array.removeAll(keepingCapacity: true)
        }
        array.reserveCapacity(count)
        return array
    }

    /// The float32 values whose bytes (native order) are `bytes`, in a kept array when large.
    public func floats(copying bytes: UnsafeRawBufferPointer) -> [Float] {
        let count = bytes.count / MemoryLayout<Float>.stride
        precondition(count * MemoryLayout<Float>.stride == bytes.count, "not whole floats")
        guard count >= Self.minimumCount else {
            return [Float](unsafeUninitializedCapacity: count) { target, initialized in
                UnsafeMutableRawBufferPointer(target).copyMemory(from: bytes)
                initialized = count
            }
        }
        var array = emptyArray(capacity: count)
        // Zeroed first (Array has no uninitialized append); a memset of resident memory is far
        // cheaper than the page faults a new array takes.
        array.append(contentsOf: repeatElement(0, count: count))
        array.withUnsafeMutableBytes { $0.copyMemory(from: bytes) }
        return array
    }

    /// Keeps `array`'s storage for a later ``emptyArray(capacity:)``. Give back only what the
    /// caller is done with: anything else is merely not reused (see the type's comment).
    public func giveBack(_ array: [Float]) {
        let bytes = array.capacity * MemoryLayout<Float>.stride
        guard array.capacity >= Self.minimumCount, array.capacity <= Self.maximumCount + Self.maximumCount / 4 else { return }
        // What is evicted is released when `evicted` goes, after the lock: unmapping takes a while.
        let evicted = free.withLock { free -> [[Float]] in
            var evicted: [[Float]] = []
            free.arrays.sort { $0.capacity > $1.capacity }
            while free.bytes + bytes > limitBytes, let smallest = free.arrays.popLast() {
                free.bytes -= smallest.capacity * MemoryLayout<Float>.stride
                evicted.append(smallest)
            }
            free.arrays.append(array)
            free.bytes += bytes
            return evicted
        }
        _ = evicted
    }
}
