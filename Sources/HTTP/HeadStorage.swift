import Glibc

/// The arrays a parsed head is made of (its field bytes, their spans, its path segments), kept
/// by the parser after handing the head over, so the connection's next head refills them.
///
/// The parser holds a second reference to each array while the request lives. Once the request
/// is gone (answered in place, it is gone before the next head is parsed), the parser's
/// reference is the only one, and the next head overwrites the elements in place: no
/// allocation per head. While someone still holds the request (a task, a pipelined request's
/// handler), the first write copies the array, as a new array would allocate, and the
/// request's copy is never touched. Three mallocs and frees per request (and the runtime's
/// metadata lookups for their storage) otherwise.
///
/// Elements are overwritten rather than removed and appended again: a keep-alive client's heads
/// mostly have the same length and fields, and emptying an array (`removeAll(keepingCapacity:)`)
/// goes through its generic `replaceSubrange`, about 80 instructions an array.
struct HeadStorage: Sendable {
    private(set) var fieldBytes: [UInt8] = []
    private(set) var spans: [HTTPHeaders.Span] = []
    /// The path segments of the last head.
    private(set) var segments: [String] = []
    /// The last head's target when it was plain (``RequestTarget/isPlainOriginForm(_:)``):
    /// `segments` are then its segments. A keep-alive client often asks for the same target
    /// again (a health check, a poll, a load generator), and then neither the target's string
    /// nor its segments' are made again, about 400 instructions for `/healthz`.
    private var plainTarget: String?
    /// The last valid Host (``RecentHost``).
    var recentHost = RecentHost()

    /// Arrays larger than this are not kept: one odd request should not pin its size for the
    /// connection's lifetime.
    static let maxKeptBytes = 4 << 10
    static let maxKeptCount = 32

    /// Makes the field bytes a copy of `source`.
    mutating func setFieldBytes(_ source: UnsafeBufferPointer<UInt8>) {
        if fieldBytes.count > source.count { fieldBytes.removeLast(fieldBytes.count - source.count) }
        let common = fieldBytes.count
        if common > 0 {
            fieldBytes.withUnsafeMutableBytes { target in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(source)[..<common]))
            }
        }
        if source.count > common { fieldBytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[common...])) }
    }

    /// Sets span `index`, which is at most the count set so far.
    @inline(__always)
    mutating func setSpan(_ index: Int, _ span: HTTPHeaders.Span) {
        // Room for a usual head's fields at once, rather than growing by doubling from one.
        if spans.capacity == 0 { spans.reserveCapacity(8) }
        if index < spans.count {
            spans[index] = span
        } else {
            spans.append(span)
        }
    }

    /// Drops the spans from `count` on, left from a longer head.
    mutating func truncateSpans(to count: Int) {
        if spans.count > count { spans.removeLast(spans.count - count) }
    }

    /// The string of a plain target, `bytes`, whose segments `segments` then holds: the last
    /// head's when it had the same target.
    mutating func setPlainTarget(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if let last = plainTarget, last.utf8.count == bytes.count,
            last.utf8.withContiguousStorageIfAvailable({ last in
                guard let lastBytes = last.baseAddress, let newBytes = bytes.baseAddress else { return false }
                return memcmp(lastBytes, newBytes, bytes.count) == 0
            }) == true
        {
            return last
        }
        let target = RequestTarget.asciiString(bytes)
        RequestTarget.split(plain: bytes, into: &segments)
        plainTarget = target
        return target
    }

    /// Sets the segments of a target that is not plain.
    mutating func setSegments(_ segments: [String]) {
        self.segments = segments
        plainTarget = nil
    }

    /// Lets go of arrays an odd head made large; the head just made keeps its own.
    mutating func dropLargeArrays() {
        if fieldBytes.capacity > Self.maxKeptBytes { fieldBytes = [] }
        if spans.capacity > Self.maxKeptCount { spans = [] }
        if segments.capacity > Self.maxKeptCount { setSegments([]) }
    }
}
