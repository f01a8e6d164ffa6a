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

    /// Parses a head whose every line is known to end in CRLF.
    private mutating func parseComplete(_ bytes: UnsafeBufferPointer<UInt8>, requestLine: Range<Int>, fields: Range<Int>)
        throws(HTTPParseError)
        -> HTTPRequestHead
    {
        // request-line = method SP request-target SP HTTP-version
        guard let firstSpace = bytes[requestLine].firstIndex(of: sp) else { throw .invalidRequestLine }
        let methodBytes = UnsafeBufferPointer(rebasing: bytes[requestLine.lowerBound..<firstSpace])
        if methodBytes.isEmpty { throw .invalidRequestLine }
        for byte in methodBytes where !isTokenByte(byte) { throw .invalidMethod }
        guard let secondSpace = bytes[(firstSpace + 1)..<requestLine.upperBound].firstIndex(of: sp) else {
            throw .invalidRequestLine
        }
        let targetRange = (firstSpace + 1)..<secondSpace
        if targetRange.isEmpty { throw .invalidRequestLine }
        if targetRange.count > limits.maxTargetBytes { throw .targetTooLong(limit: limits.maxTargetBytes) }
        let versionBytes = bytes[(secondSpace + 1)..<requestLine.upperBound]
        if versionBytes.contains(sp) { throw .invalidRequestLine }
        let version = try parseVersion(UnsafeBufferPointer(rebasing: versionBytes))
        let method = HTTPMethod(bytes: methodBytes)
        if !method.isKnown { throw .unsupportedMethod }
        let target = String(decoding: UnsafeBufferPointer(rebasing: bytes[targetRange]), as: UTF8.self)

        // The field lines are copied once, whole; each field is a pair of ranges into the copy.
        // Into the last head's arrays when that head is gone (``HeadStorage``).
        var spans = storage.takeSpans()
        var lineStart = fields.lowerBound
        while lineStart < fields.upperBound {
            var lineEnd = lineStart
            while bytes[lineEnd] != cr || bytes[lineEnd + 1] != lf { lineEnd += 1 }
            if spans.count == limits.maxHeaderCount { throw .tooManyHeaders(limit: limits.maxHeaderCount) }
            let (name, value) = try parseField(UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]))
            let offset = lineStart - fields.lowerBound
            spans.append(
                HTTPHeaders.Span(
                    nameStart: UInt32(offset + name.lowerBound), nameEnd: UInt32(offset + name.upperBound),
                    valueStart: UInt32(offset + value.lowerBound), valueEnd: UInt32(offset + value.upperBound)))
            lineStart = lineEnd + 2
        }
        var fieldBytes = storage.takeFieldBytes()
        fieldBytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[fields]))
        let headers = HTTPHeaders(bytes: fieldBytes, spans: spans)
        // Taken before the call: taken in its argument list, it was also still held by the
        // copy of the parser the call was made on, and never reused.
        let segments = storage.takeSegments()
        let head = try validate(method: method, target: target, version: version, headers: headers, segmentStorage: segments)
        storage.keep(fieldBytes: fieldBytes, spans: spans, segments: head.pathSegments)
        return head
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

    /// Checks framing, Host and Expect, the fields whose misreading enables smuggling.
    private func validate(
        method: HTTPMethod, target: String, version: HTTPVersion, headers: consuming HTTPHeaders, segmentStorage: consuming [String]
    ) throws(HTTPParseError) -> HTTPRequestHead {
        var hostCount = 0
        var contentLength: Int?
        var codingCount = 0
        var sawOtherCoding = false
        var sawTransferEncoding = false
        var expectsContinueOnly: Bool?  // of the last Expect field
        var present = KnownFields()
        try headers.forEachField { name, value throws(HTTPParseError) in
            switch name.count {
            case 10:
                if HTTPHeaders.namesEqual(name, literal: "Connection") {
                    present.insert(.connection)
                } else if HTTPHeaders.namesEqual(name, literal: "Request-Id") {
                    present.insert(.requestID)
                }
            case 12 where HTTPHeaders.namesEqual(name, literal: "X-Request-Id"):
                present.insert(.xRequestID)
            case 15 where HTTPHeaders.namesEqual(name, literal: "Accept-Encoding"):
                present.insert(.acceptEncoding)
            case 16 where HTTPHeaders.namesEqual(name, literal: "Content-Encoding"):
                present.insert(.contentEncoding)
            case 4 where HTTPHeaders.namesEqual(name, literal: "Host"):
                hostCount += 1
                if !HostField.isValid(bytes: value) { throw .invalidHost }
            case 14 where HTTPHeaders.namesEqual(name, literal: "Content-Length"):
                try Self.forEachMember(of: value, omittingEmpty: false) { member throws(HTTPParseError) in
                    let length = try parseContentLength(member.trimmingOWS())
                    if let contentLength, contentLength != length { throw .conflictingContentLength }
                    contentLength = length
                }
            case 17 where HTTPHeaders.namesEqual(name, literal: "Transfer-Encoding"):
                sawTransferEncoding = true
                Self.forEachMember(of: value, omittingEmpty: true) { member in
                    let coding = member.trimmingOWS()
                    guard !coding.isEmpty else { return }
                    codingCount += 1
                    if !HTTPHeaders.namesEqual(coding, literal: "chunked") { sawOtherCoding = true }
                }
            case 6 where HTTPHeaders.namesEqual(name, literal: "Expect"):
                expectsContinueOnly = HTTPHeaders.namesEqual(value.trimmingOWS(), literal: "100-continue")
            default:
                break
            }
        }
        headers.record(present: present)
        if hostCount > 1 { throw .duplicateHost }
        if hostCount == 0 && version == .http1_1 { throw .missingHost }

        var framing = HTTPBodyFraming.none
        if sawTransferEncoding {
            if version == .http1_0 { throw .transferEncodingInHTTP10 }
            if contentLength != nil { throw .conflictingFraming }
            if sawOtherCoding { throw .unsupportedTransferCoding }
            if codingCount != 1 { throw .invalidTransferEncoding }
            framing = .chunked
        } else if let contentLength {
            if contentLength > limits.maxBodyBytes { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
            framing = .length(contentLength)
        }

        var expectsContinue = false
        if let expectsContinueOnly, version == .http1_1 {
            guard expectsContinueOnly else { throw .unsupportedExpectation }
            if framing == .none { throw .lengthRequired }
            expectsContinue = framing.mayHaveBody
        }
        return try HTTPRequestHead(
            method: method, target: target, version: version, headers: headers,
            framing: framing, expectsContinue: expectsContinue, segmentStorage: consume segmentStorage)
    }

    /// Calls `body` with each comma-separated member of a field value, untrimmed.
    private static func forEachMember<Failure: Error>(
        of value: UnsafeBufferPointer<UInt8>, omittingEmpty: Bool, _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Void
    ) throws(Failure) {
        var start = 0
        while start <= value.count {
            let end = value[start...].firstIndex(of: UInt8(ascii: ",")) ?? value.count
            if end > start || !omittingEmpty { try body(UnsafeBufferPointer(rebasing: value[start..<end])) }
            start = end + 1
        }
    }

    /// 1*DIGIT, at most 18 digits so it fits in an Int.
    private func parseContentLength(_ text: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Int {
        guard !text.isEmpty, text.count <= 18 else { throw .invalidContentLength }
        var value = 0
        for byte in text {
            guard (0x30...0x39).contains(byte) else { throw .invalidContentLength }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}

/// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5), shared with chunked trailers.
/// - Returns: where the name and the value (without its OWS) are in `line`.
func parseField(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (name: Range<Int>, value: Range<Int>) {
    if let first = line.first, first == sp || first == htab { throw .obsoleteLineFolding }
    guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { throw .invalidHeaderName }
    for byte in line[..<colon] where !isTokenByte(byte) { throw .invalidHeaderName }
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

/// tchar (RFC 9110 §5.6.2): "!#$%&'*+-.^_`|~", digits and letters.
///
/// Two 64-bit masks, one bit per ASCII byte, rather than a table in a global: every access to a
/// global goes through its lazy initializer's `swift_once`, once per byte of every method and
/// field name. ParserByteSweepTests checks all 256 bytes against the grammar.
@inline(__always)
func isTokenByte(_ byte: UInt8) -> Bool {
    let below64: UInt64 = 0x03FF_6CFA_0000_0000
    let from64: UInt64 = 0x57FF_FFFF_C7FF_FFFE
    switch byte {
    case 0..<64: return below64 >> UInt64(byte) & 1 == 1
    case 64..<128: return from64 >> UInt64(byte - 64) & 1 == 1
    default: return false
    }
}
