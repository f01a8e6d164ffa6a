/// The request ids one event loop makes: a stem (the server's random prefix and the loop's
/// index, e.g. `k3Fq9Z-0-`), then a counter in base 62 (digits, upper-case, lower-case letters),
/// so `k3Fq9Z-0-1B`. At most 15 bytes for the first 62^7 (3.5 × 10^12) requests of a loop, so
/// Swift stores each one's text inline: no allocation, and no reference count to touch in the
/// request's, response's and log line's copies of it.
///
/// The last id's bytes are kept and advanced in place, a carry being rare, rather than the
/// counter converted digit by digit (a division each) for every request.
struct RequestIDCounter {
    private var current: InlineRequestID
    private let stemLength: Int

    init(stem: String) {
        stemLength = stem.utf8.count
        current = InlineRequestID(stem + "0")  // the first id made ends in "1"
    }

    /// The next id.
    mutating func next() -> InlineRequestID {
        advance()
        return current
    }

    /// Adds one to the digits: the last one moves to the next in the alphabet, a `z` becomes
    /// `0` and carries, and a carry out of the first digit puts a new `1` in front.
    private mutating func advance() {
        let (stemLength, length) = (self.stemLength, current.count)
        precondition(length < InlineRequestID.capacity, "request counter overflow")
        current.count = withUnsafeMutableBytes(of: &current.bytes) { bytes in
            var index = length - 1
            while index >= stemLength {
                switch bytes[index] {
                case UInt8(ascii: "9"): bytes[index] = UInt8(ascii: "A")
                case UInt8(ascii: "Z"): bytes[index] = UInt8(ascii: "a")
                case UInt8(ascii: "z"):
                    bytes[index] = UInt8(ascii: "0")
                    index -= 1
                    continue
                default: bytes[index] += 1
                }
                return length
            }
            for index in (stemLength..<length).reversed() { bytes[index + 1] = bytes[index] }
            bytes[stemLength] = UInt8(ascii: "1")
            return length + 1
        }
    }
}

/// A request id the server made, its ASCII bytes held inline: a plain value, copied without
/// reference counting and written into a response head as bytes. Made into a `String` only
/// where text is needed (a handler's request, a completion hook that reads ids).
struct InlineRequestID: Sendable {
    static let capacity = 32
    var bytes: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var count = 0

    /// `text`'s bytes, which must fit.
    init(_ text: String) {
        let utf8 = Array(text.utf8)
        precondition(utf8.count <= Self.capacity, "a request id of \(utf8.count) bytes")
        count = utf8.count
        withUnsafeMutableBytes(of: &bytes) { $0.copyBytes(from: utf8) }
    }

    var string: String {
        withUnsafeBytes(of: bytes) { String(decoding: $0[..<count], as: UTF8.self) }
    }

    func write(into writer: inout ByteWriter) {
        withUnsafeBytes(of: bytes) { raw in
            raw.withMemoryRebound(to: UInt8.self) { writer.write(short: UnsafeBufferPointer(rebasing: $0[..<count])) }
        }
    }
}
