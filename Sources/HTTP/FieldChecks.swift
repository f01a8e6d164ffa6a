/// What the parser learns from the fields whose misreading enables smuggling (framing, Host,
/// Expect), noted field by field as the field lines are scanned, and the verdict on them.
///
/// A field line's syntax errors come before any of these (a malformed later line is reported
/// rather than an invalid Host before it), so the first failure is kept and thrown by
/// ``finish(version:limits:)``, after every line has been read.
struct FieldChecks {
    private var hostCount = 0
    private var contentLength: Int?
    private var codingCount = 0
    private var sawOtherCoding = false
    private var sawTransferEncoding = false
    private var expectsContinueOnly: Bool?  // of the last Expect field
    private var failure: HTTPParseError?
    /// Which of the fields the server looks up in every request are present.
    private(set) var present = KnownFields()
    /// The connection's last valid Host, given by the parser and handed back to it.
    private(set) var recentHost: RecentHost

    init(recentHost: RecentHost) {
        self.recentHost = recentHost
    }

    /// Notes one field. Names are compared by length first: most fields are none of these.
    @inline(__always)
    mutating func note(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        guard failure == nil else { return }
        do throws(HTTPParseError) {
            try check(name: name, value: value)
        } catch {
            failure = error
        }
    }

    private mutating func check(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) {
        switch name.count {
        case 4 where Self.isName(name, "Host"):
            hostCount += 1
            if !recentHost.isValid(value) { throw .invalidHost }
        case 10:
            if Self.isName(name, "Connection") {
                present.insert(.connection)
            } else if Self.isName(name, "Request-Id") {
                present.insert(.requestID)
            }
        case 12 where Self.isName(name, "X-Request-Id"):
            present.insert(.xRequestID)
        case 15 where Self.isName(name, "Accept-Encoding"):
            present.insert(.acceptEncoding)
        case 16 where Self.isName(name, "Content-Encoding"):
            present.insert(.contentEncoding)
        case 14 where Self.isName(name, "Content-Length"):
            try Self.forEachMember(of: value, omittingEmpty: false) { member throws(HTTPParseError) in
                let length = try Self.parseContentLength(member.trimmingOWS())
                if let contentLength, contentLength != length { throw .conflictingContentLength }
                contentLength = length
            }
        case 17 where Self.isName(name, "Transfer-Encoding"):
            sawTransferEncoding = true
            Self.forEachMember(of: value, omittingEmpty: true) { member in
                let coding = member.trimmingOWS()
                guard !coding.isEmpty else { return }
                codingCount += 1
                if !HTTPHeaders.namesEqual(coding, literal: "chunked") { sawOtherCoding = true }
            }
        case 6 where Self.isName(name, "Expect"):
            expectsContinueOnly = HTTPHeaders.namesEqual(value.trimmingOWS(), literal: "100-continue")
        default:
            break
        }
    }

    /// The first failure noted, else Host's count (RFC 9112 §3.2), then the framing
    /// (RFC 9112 §6) and Expect (RFC 9110 §10.1.1).
    func finish(version: HTTPVersion, limits: HTTPLimits) throws(HTTPParseError) -> (HTTPBodyFraming, expectsContinue: Bool) {
        if let failure { throw failure }
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
        return (framing, expectsContinue)
    }

    /// Whether a field name (tchars, as the parser checked) is `literal`, ignoring case. `|
    /// 0x20` lowercases a letter and leaves `-` as it is, and no other tchar becomes a letter or
    /// `-` by it, so for literals of letters and `-` this is the case-insensitive comparison,
    /// at two operations a byte.
    @inline(__always)
    private static func isName(_ name: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        let expected = literal.utf8Start
        for index in 0..<name.count where name[index] | 0x20 != expected[index] | 0x20 { return false }
        return true
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
    private static func parseContentLength(_ text: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Int {
        guard !text.isEmpty, text.count <= 18 else { throw .invalidContentLength }
        var value = 0
        for byte in text {
            guard (0x30...0x39).contains(byte) else { throw .invalidContentLength }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}
