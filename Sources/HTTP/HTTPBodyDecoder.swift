/// Decodes a request body framed by Content-Length or chunked coding (RFC 9112 §6–§7),
/// incrementally: each call consumes what it can and says whether the body is complete.
public struct HTTPBodyDecoder: Sendable {
    private enum State: Sendable {
        case length(remaining: Int)
        case chunkSizeLine
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case done
    }

    private var state: State
    private let maxBodyBytes: Int
    private let maxLineBytes: Int
    private let maxTrailerCount: Int
    private var trailerBytes = 0
    /// Trailer fields sent after the last chunk (RFC 9112 §7.1.2).
    public private(set) var trailers = HTTPHeaders()

    /// - Parameters:
    ///   - maxBodyBytes: the decoded size above which ``decode(_:into:)`` throws `bodyTooLarge`.
    ///   - limits: bounds chunk-size lines and trailers as header lines are bounded.
    public init(framing: HTTPBodyFraming, maxBodyBytes: Int, limits: HTTPLimits = HTTPLimits()) {
        switch framing {
        case .none: state = .done
        case .length(let length): state = length == 0 ? .done : .length(remaining: length)
        case .chunked: state = .chunkSizeLine
        }
        self.maxBodyBytes = maxBodyBytes
        self.maxLineBytes = limits.maxHeaderBytes
        self.maxTrailerCount = limits.maxHeaderCount
    }

    public var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// For a Content-Length body, the bytes still to come; nil for other framings.
    public var remainingLength: Int? {
        switch state {
        case .length(let remaining): remaining
        case .done: 0
        default: nil
        }
    }

    /// Counts `count` bytes of a Content-Length body that the caller stored itself (the
    /// server reads large bodies straight into their final buffer).
    public mutating func advanceLength(by count: Int) {
        guard case .length(let remaining) = state, count <= remaining else {
            preconditionFailure("advanceLength(by: \(count)) outside a Content-Length body")
        }
        state = remaining == count ? .done : .length(remaining: remaining - count)
    }

    /// Appends decoded body bytes from the front of `bytes` to `body`.
    /// - Returns: how many bytes of `bytes` were consumed; stop when ``isComplete``.
    public mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, into body: inout [UInt8]) throws(HTTPParseError) -> Int {
        var offset = 0
        while offset < bytes.count {
            switch state {
            case .done:
                return offset
            case .length(let remaining):
                let take = min(remaining, bytes.count - offset)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[offset..<(offset + take)]))
                offset += take
                state = remaining == take ? .done : .length(remaining: remaining - take)
            case .chunkSizeLine:
                guard let lineEnd = try findLineEnd(bytes, from: offset) else { return offset }
                let size = try parseChunkSizeLine(UnsafeBufferPointer(rebasing: bytes[offset..<lineEnd]))
                offset = lineEnd + 2
                if size == 0 {
                    state = .trailers
                } else {
                    if size > maxBodyBytes - body.count { throw .bodyTooLarge(limit: maxBodyBytes) }
                    state = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let take = min(remaining, bytes.count - offset)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[offset..<(offset + take)]))
                offset += take
                state = remaining == take ? .chunkDataEnd : .chunkData(remaining: remaining - take)
            case .chunkDataEnd:
                if bytes.count - offset < 2 {
                    if bytes[offset] != cr { throw .invalidChunkTerminator }
                    return offset
                }
                guard bytes[offset] == cr, bytes[offset + 1] == lf else { throw .invalidChunkTerminator }
                offset += 2
                state = .chunkSizeLine
            case .trailers:
                guard let lineEnd = try findLineEnd(bytes, from: offset) else { return offset }
                trailerBytes += lineEnd - offset + 2
                if trailerBytes > maxLineBytes { throw .headersTooLarge(limit: maxLineBytes) }
                if lineEnd == offset {
                    state = .done
                } else {
                    if trailers.count == maxTrailerCount { throw .tooManyHeaders(limit: maxTrailerCount) }
                    let line = UnsafeBufferPointer(rebasing: bytes[offset..<lineEnd])
                    let (name, value) = try parseField(line)
                    trailers.add(name: UnsafeBufferPointer(rebasing: line[name]), value: UnsafeBufferPointer(rebasing: line[value]))
                }
                offset = lineEnd + 2
            }
        }
        return offset
    }

    /// The index of the CR of the next CRLF, nil if the line is not complete yet.
    private func findLineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(HTTPParseError) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == lf {
                if index == start || bytes[index - 1] != cr { throw .bareLineFeed }
                return index - 1
            }
            index += 1
        }
        if index - start > maxLineBytes {
            if case .trailers = state { throw .headersTooLarge(limit: maxLineBytes) }
            throw .invalidChunkSize
        }
        return nil
    }

    /// chunk-size [ chunk-ext ], where chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ).
    /// Extensions are checked for control bytes and otherwise ignored, as RFC 9112 §7.1.1 allows.
    private func parseChunkSizeLine(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Int {
        var size = 0
        var index = 0
        while index < line.count, let digit = RequestTarget.hexValue(line[index]) {
            if index == 16 { throw .invalidChunkSize }
            size = size << 4 | Int(digit)
            index += 1
        }
        if index == 0 || size < 0 { throw .invalidChunkSize }
        if index == line.count { return size }
        var cursor = index
        while cursor < line.count && (line[cursor] == sp || line[cursor] == htab) { cursor += 1 }
        guard cursor < line.count, line[cursor] == UInt8(ascii: ";") else { throw .invalidChunkSize }
        for byte in line[cursor...] where (byte < 0x20 && byte != htab) || byte == 0x7F {
            throw .invalidChunkExtension
        }
        return size
    }
}
