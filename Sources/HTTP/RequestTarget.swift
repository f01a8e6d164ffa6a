/// The request target split into decoded path, segments and query (RFC 9112 §3.2).
///
/// Accepts origin-form (`/path?query`), absolute-form (`http://host/path`, whose path is used)
/// and asterisk-form for OPTIONS. Authority-form belongs to CONNECT, which is not served.
struct RequestTarget {
    var path: String
    var segments: [String]
    var query: [HTTPQueryItem]

    /// `segmentStorage`: an array the simple form refills with the segments rather than
    /// allocating one (see ``HeadStorage``).
    init(_ target: String, method: HTTPMethod, segmentStorage: consuming [String] = []) throws(HTTPParseError) {
        if let simple = Self.simpleOriginForm(target, segmentStorage: consume segmentStorage) {
            self = simple
            return
        }
        var bytes = Substring(target).utf8[...]
        if bytes.isEmpty { throw .invalidTarget }
        for byte in bytes where byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: "#") {
            throw .invalidTarget
        }
        if target == "*" {
            guard method == .options else { throw .invalidTarget }
            path = "*"
            segments = []
            query = []
            return
        }
        if bytes.first != UInt8(ascii: "/") {
            // absolute-form: scheme "://" authority path-abempty
            let lowered = target.prefix(8).lowercased()
            let schemeLength = lowered.hasPrefix("http://") ? 7 : lowered.hasPrefix("https://") ? 8 : 0
            guard schemeLength > 0 else { throw .invalidTarget }
            bytes = bytes.dropFirst(schemeLength)
            if let slash = bytes.firstIndex(of: UInt8(ascii: "/")) {
                bytes = bytes[slash...]
            } else {
                let question = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex
                let rest = Substring(bytes[question...])
                bytes = Substring("/" + rest).utf8[...]
            }
        }
        let questionMark = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex
        let rawPath = bytes[..<questionMark]
        path = try Self.decode(rawPath, plusIsSpace: false)
        segments = []
        var rawSegments = rawPath.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        rawSegments.removeFirst()  // before the leading "/"
        if rawSegments.count == 1 && rawSegments[0].isEmpty { rawSegments = [] }
        segments.reserveCapacity(rawSegments.count)
        for segment in rawSegments { segments.append(try Self.decode(segment, plusIsSpace: false)) }
        query = []
        if questionMark < bytes.endIndex {
            let rawQuery = bytes[bytes.index(after: questionMark)...]
            for pair in rawQuery.split(separator: UInt8(ascii: "&")) {
                let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
                let name = try Self.decode(pair[..<equals], plusIsSpace: true)
                let value = equals < pair.endIndex ? try Self.decode(pair[pair.index(after: equals)...], plusIsSpace: true) : ""
                query.append(HTTPQueryItem(name: name, value: value))
            }
        }
    }

    /// The common case in one pass over the bytes: origin-form, no query, nothing to decode.
    /// Anything else (a query, `%`, a forbidden byte, another form) returns nil for the
    /// general parser, which also reports the errors.
    private static func simpleOriginForm(_ target: String, segmentStorage: consuming [String]) -> RequestTarget? {
        var segments = consume segmentStorage
        segments.removeAll(keepingCapacity: true)
        // One allocation for the paths routes have (none when the storage is reused).
        if segments.capacity < 8 { segments.reserveCapacity(8) }
        let parsed = target.utf8.withContiguousStorageIfAvailable { bytes -> RequestTarget? in
            guard bytes.first == UInt8(ascii: "/") else { return nil }
            var segmentStart = 1
            for index in 1..<bytes.count {
                let byte = bytes[index]
                if byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "?") {
                    return nil
                }
                if byte == UInt8(ascii: "/") {
                    segments.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[segmentStart..<index]), as: UTF8.self))
                    segmentStart = index + 1
                }
            }
            if bytes.count > 1 {
                segments.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[segmentStart...]), as: UTF8.self))
            }
            return RequestTarget(path: target, segments: segments, query: [])
        }
        return parsed ?? nil
    }

    private init(path: String, segments: [String], query: [HTTPQueryItem]) {
        self.path = path
        self.segments = segments
        self.query = query
    }

    /// Percent-decodes `bytes` (RFC 3986 §2.1) and checks the result is UTF-8 without NUL.
    static func decode(_ bytes: Substring.UTF8View.SubSequence, plusIsSpace: Bool) throws(HTTPParseError) -> String {
        if !bytes.contains(UInt8(ascii: "%")) && !(plusIsSpace && bytes.contains(UInt8(ascii: "+"))) {
            return String(Substring(bytes))
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                let high = bytes.index(after: index)
                guard high < bytes.endIndex, bytes.index(after: high) < bytes.endIndex,
                    let h = hexValue(bytes[high]), let l = hexValue(bytes[bytes.index(after: high)])
                else { throw .invalidTarget }
                let value = h << 4 | l
                if value == 0 { throw .invalidTarget }
                decoded.append(value)
                index = bytes.index(index, offsetBy: 3)
            } else {
                decoded.append(plusIsSpace && byte == UInt8(ascii: "+") ? 0x20 : byte)
                index = bytes.index(after: index)
            }
        }
        guard let string = String(validating: decoded, as: UTF8.self) else { throw .invalidTarget }
        return string
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
