import Glibc

/// An incremental HTTP/1.1 request-head parser (RFC 9112 §2–§6).
///
/// Feed it the unconsumed bytes of a connection, as often as more arrive:
/// ```swift
/// if let (head, consumed) = try parser.parseHead(bytes) { … }   // nil: need more bytes
/// ```
/// It remembers how far it has scanned, so feeding a head one byte at a time stays linear.
/// It throws only for malformed or over-limit input, with the reason as an ``HTTPParseError``.
public struct HTTPRequestParser: Sendable {
    public let limits: HTTPLimits
    /// Bytes already scanned without finding the end of the head.
    private var scanned = 0
    /// Offset of the first LF, once seen: the end of the request line.
    private var requestLineEnd: Int?
    /// The arrays of the last head parsed, kept so the next head can refill them.
    private var storage = HeadStorage()

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Parses one request head from the front of `bytes`.
    /// - Returns: the head and the number of bytes it took, or nil when the head is not complete.
    /// - Complexity: O(n) over all calls for one head, whatever the split.
    public mutating func parseHead(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (HTTPRequestHead, consumed: Int)? {
        // RFC 9112 §2.2: ignore empty lines before the request line.
        var start = 0
        while start + 1 < bytes.count && bytes[start] == cr && bytes[start + 1] == lf { start += 2 }
        if start > limits.maxHeaderBytes { throw .headersTooLarge(limit: limits.maxHeaderBytes) }
        if start == bytes.count || (start + 1 == bytes.count && bytes[start] == cr) { return nil }

        // Limits are checked byte by byte, in order, so the error a stream gets depends only on
        // its bytes and never on how the network cut them (the fuzz target checks this).
        let lineLimit = start + limits.maxTargetBytes + 32
        let headLimit = start + limits.maxHeaderBytes
        var index = max(scanned, start)
        var end: Int?
        while index < bytes.count {
            // The next LF, found with memchr, before the first byte that breaks a limit; a
            // limit reached first throws as a byte-by-byte scan would at that byte.
            let limit = min(requestLineEnd == nil ? min(lineLimit + 1, headLimit) : headLimit, bytes.count)
            guard index < limit, let found = memchr(bytes.baseAddress! + index, Int32(lf), limit - index) else {
                index = limit
                if index == bytes.count { break }
                if requestLineEnd == nil && index > lineLimit { throw .targetTooLong(limit: limits.maxTargetBytes) }
                throw .headersTooLarge(limit: limits.maxHeaderBytes)
            }
            index = UnsafeRawPointer(found) - UnsafeRawPointer(bytes.baseAddress!)
            if index == 0 || bytes[index - 1] != cr { throw .bareLineFeed }
            if requestLineEnd == nil { requestLineEnd = index }
            if index - start >= 3 && bytes[index - 2] == lf && bytes[index - 3] == cr {
                end = index + 1
                break
            }
            index += 1
        }
        guard let end else {
            scanned = index
            return nil
        }
        let lineEnd = requestLineEnd! - 1  // at the CR
        scanned = 0
        requestLineEnd = nil
        let head = try parseComplete(bytes, requestLine: start..<lineEnd, fields: (lineEnd + 2)..<(end - 2))
        return (head, end)
    }

    /// Parses a head whose every line is known to end in CRLF, in one pass over its bytes.
    ///
    /// Errors come in a fixed order whatever else is wrong with the head: the request line's
    /// shape, its version, its method, each field line's syntax, the fields' meaning
    /// (``FieldChecks``), and only then the target's form and escapes.
    private mutating func parseComplete(_ bytes: UnsafeBufferPointer<UInt8>, requestLine: Range<Int>, fields: Range<Int>)
        throws(HTTPParseError)
        -> HTTPRequestHead
    {
        // request-line = method SP request-target SP HTTP-version
        let lineEnd = requestLine.upperBound
        var index = requestLine.lowerBound
        var methodIsToken = true
        while index < lineEnd && bytes[index] != sp {
            if !ByteSet.token.contains(bytes[index]) { methodIsToken = false }
            index += 1
        }
        if index == lineEnd || index == requestLine.lowerBound { throw .invalidRequestLine }
        if !methodIsToken { throw .invalidMethod }
        let methodBytes = UnsafeBufferPointer(rebasing: bytes[requestLine.lowerBound..<index])
        let targetStart = index + 1
        index = targetStart
        // Whole words of plain bytes (no space among them) at once, then byte by byte.
        while index + 8 <= lineEnd {
            let word = ByteWord.load(bytes, at: index)
            if ByteWord.hasByte(word, below: 0x21) || ByteWord.hasByte(word, above: 0x7E) || ByteWord.hasByte(word, equalTo: 0x23)
                || ByteWord.hasByte(word, equalTo: 0x25) || ByteWord.hasByte(word, equalTo: 0x3F)
            {
                break
            }
            index += 8
        }
        var isPlain = true  // so far, for ``RequestTarget/isPlainOriginForm(_:)``
        while index < lineEnd && bytes[index] != sp {
            if !ByteSet.plainTarget.contains(bytes[index]) { isPlain = false }
            index += 1
        }
        if index == lineEnd || index == targetStart { throw .invalidRequestLine }
        let targetBytes = UnsafeBufferPointer(rebasing: bytes[targetStart..<index])
        if targetBytes.count > limits.maxTargetBytes { throw .targetTooLong(limit: limits.maxTargetBytes) }
        let versionBytes = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<lineEnd])
        if versionBytes.contains(sp) { throw .invalidRequestLine }
        let version = try parseVersion(versionBytes)
        let method = HTTPMethod(bytes: methodBytes)
        if !method.isKnown { throw .unsupportedMethod }

        // The field lines are copied once, whole; each field is a pair of ranges into the copy
        // (offsets within a head, which is far below 4 GiB: ``HTTPLimits/maxHeaderBytes``).
        // Into the last head's arrays when that head is gone (``HeadStorage``).
        var checks = FieldChecks(recentHost: storage.recentHost)
        var count = 0
        var lineStart = fields.lowerBound
        while lineStart < fields.upperBound {
            if count == limits.maxHeaderCount { throw .tooManyHeaders(limit: limits.maxHeaderCount) }
            let (name, value, next) = try Self.scanField(bytes, at: lineStart)
            checks.note(name: UnsafeBufferPointer(rebasing: bytes[name]), value: UnsafeBufferPointer(rebasing: bytes[value]))
            let offset = fields.lowerBound
            storage.setSpan(
                count,
                HTTPHeaders.Span(
                    nameStart: UInt32(truncatingIfNeeded: name.lowerBound - offset),
                    nameEnd: UInt32(truncatingIfNeeded: name.upperBound - offset),
                    valueStart: UInt32(truncatingIfNeeded: value.lowerBound - offset),
                    valueEnd: UInt32(truncatingIfNeeded: value.upperBound - offset)))
            count += 1
            lineStart = next
        }
        storage.truncateSpans(to: count)
        storage.recentHost = checks.recentHost
        let (framing, expectsContinue) = try checks.finish(version: version, limits: limits)
        storage.setFieldBytes(UnsafeBufferPointer(rebasing: bytes[fields]))
        let headers = HTTPHeaders(bytes: storage.fieldBytes, spans: storage.spans, present: checks.present)

        let target: String
        var decodedPath = ""
        var query: [HTTPQueryItem] = []
        if isPlain && targetBytes[0] == UInt8(ascii: "/") {
            target = storage.setPlainTarget(targetBytes)
        } else {
            target = String(decoding: targetBytes, as: UTF8.self)
            let components = try RequestTarget(target, method: method)
            storage.setSegments(components.segments)
            if components.path != target { decodedPath = components.path }
            query = components.query
        }
        let segments = storage.segments
        storage.dropLargeArrays()
        return HTTPRequestHead(
            method: method, target: target, version: version, headers: headers, pathSegments: segments, decodedPath: decodedPath,
            query: query, framing: framing, expectsContinue: expectsContinue)
    }

    /// Reads the field line at `start` (RFC 9112 §5), which ends in CRLF within `bytes`: the
    /// name's and the value's ranges (the value without its OWS) and where the next line starts.
    @inline(__always)
    private static func scanField(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) throws(HTTPParseError) -> (
        name: Range<Int>, value: Range<Int>, next: Int
    ) {
        let first = bytes[start]
        if first == sp || first == htab { throw .obsoleteLineFolding }
        // The name ends at the first byte that is no tchar, which must be the colon.
        var index = start
        while ByteSet.token.contains(bytes[index]) { index += 1 }
        if index == start || bytes[index] != UInt8(ascii: ":") { throw .invalidHeaderName }
        let nameEnd = index
        index += 1
        while bytes[index] == sp || bytes[index] == htab { index += 1 }
        let valueStart = index
        // Whole words without a control byte at once (the line's CR is one, so no word passes
        // it), then byte by byte.
        while index + 8 <= bytes.count {
            let word = ByteWord.load(bytes, at: index)
            if ByteWord.hasByte(word, below: 0x20) || ByteWord.hasByte(word, equalTo: 0x7F) { break }
            index += 8
        }
        while true {
            let byte = bytes[index]
            if byte < 0x20 || byte == 0x7F {
                if byte == cr && bytes[index + 1] == lf { break }
                if byte != htab { throw .invalidHeaderValue }
            }
            index += 1
        }
        var valueEnd = index
        while valueEnd > valueStart && (bytes[valueEnd - 1] == sp || bytes[valueEnd - 1] == htab) { valueEnd -= 1 }
        return (start..<nameEnd, valueStart..<valueEnd, index + 2)
    }

    /// HTTP-version = "HTTP/" DIGIT "." DIGIT. HTTP/1.x above 1.1 is served as 1.1 (RFC 9110 §6.2).
    private func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        guard bytes.count == 8, bytes[0] == 0x48, bytes[1] == 0x54, bytes[2] == 0x54, bytes[3] == 0x50,
            bytes[4] == UInt8(ascii: "/"), bytes[6] == UInt8(ascii: "."),
            (0x30...0x39).contains(bytes[5]), (0x30...0x39).contains(bytes[7])
        else { throw .invalidVersion }
        let major = Int(bytes[5] - 0x30)
        let minor = Int(bytes[7] - 0x30)
        guard major == 1 else { throw .unsupportedVersion }
        return minor == 0 ? .http1_0 : .http1_1
    }
}

/// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5), shared with chunked trailers.
/// - Returns: where the name and the value (without its OWS) are in `line`.
func parseField(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (name: Range<Int>, value: Range<Int>) {
    if let first = line.first, first == sp || first == htab { throw .obsoleteLineFolding }
    guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { throw .invalidHeaderName }
    for byte in line[..<colon] where !ByteSet.token.contains(byte) { throw .invalidHeaderName }
    var valueStart = colon + 1
    var valueEnd = line.count
    while valueStart < valueEnd && (line[valueStart] == sp || line[valueStart] == htab) { valueStart += 1 }
    while valueEnd > valueStart && (line[valueEnd - 1] == sp || line[valueEnd - 1] == htab) { valueEnd -= 1 }
    for byte in line[valueStart..<valueEnd] where (byte < 0x20 && byte != htab) || byte == 0x7F {
        throw .invalidHeaderValue
    }
    return (0..<colon, valueStart..<valueEnd)
}

let cr: UInt8 = 0x0D
let lf: UInt8 = 0x0A
let sp: UInt8 = 0x20
let htab: UInt8 = 0x09
