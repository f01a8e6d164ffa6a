/// The arrays a parsed head is made of (its field bytes, their spans, its path segments), kept
/// by the parser after handing the head over, so the connection's next head refills them.
///
/// The parser holds a second reference to each array while the request lives. Once the request
/// is gone (answered in place, it is gone before the next head is parsed), the parser's
/// reference is the only one, and emptying the array keeps its storage: no allocation per head.
/// While someone still holds the request (a task, a pipelined request's handler), emptying it
/// allocates fresh storage, as a new array would, and the request's copy is never touched.
/// Three mallocs and frees per request (and the runtime's metadata lookups for their storage)
/// otherwise.
struct HeadStorage: Sendable {
    private var fieldBytes: [UInt8] = []
    private var spans: [HTTPHeaders.Span] = []
    private var segments: [String] = []

    /// Arrays larger than this are not kept: one odd request should not pin its size for the
    /// connection's lifetime.
    static let maxKeptBytes = 4 << 10
    static let maxKeptCount = 32

    /// An empty array for the next head's field bytes (the last one's storage, if unshared).
    mutating func takeFieldBytes() -> [UInt8] {
        var bytes = fieldBytes
        fieldBytes = []
        bytes.removeAll(keepingCapacity: true)
        return bytes
    }

    /// An empty array for the next head's spans, with room for a usual head's fields.
    mutating func takeSpans() -> [HTTPHeaders.Span] {
        var spans = self.spans
        self.spans = []
        spans.removeAll(keepingCapacity: true)
        if spans.capacity < 8 { spans.reserveCapacity(8) }
        return spans
    }

    /// The last head's segments array, to be emptied and refilled (``RequestTarget``).
    mutating func takeSegments() -> [String] {
        let segments = self.segments
        self.segments = []
        return segments
    }

    /// Keeps the arrays of the head just made (shared with it) for the next one.
    mutating func keep(fieldBytes: [UInt8], spans: [HTTPHeaders.Span], segments: [String]) {
        self.fieldBytes = fieldBytes.capacity <= Self.maxKeptBytes ? fieldBytes : []
        self.spans = spans.capacity <= Self.maxKeptCount ? spans : []
        self.segments = segments.capacity <= Self.maxKeptCount ? segments : []
    }
}
