/// The request target split into decoded path, segments and query (RFC 9112 §3.2).
///
/// Accepts origin-form (`/path?query`), absolute-form (`http://host/path`, whose path is used)
/// and asterisk-form for OPTIONS. Authority-form belongs to CONNECT, which is not served.
struct RequestTarget {
    var path: String
    var segments: [String]
    var query: [HTTPQueryItem]

    init(_ target: String, method: HTTPMethod) throws(HTTPParseError) {
        var plainSegments: [String] = []
        let isPlain = target.utf8.withContiguousStorageIfAvailable { bytes in
            guard Self.isPlainOriginForm(bytes) else { return false }
            Self.split(plain: bytes, into: &plainSegments)
            return true
        }
        if isPlain == true {
            path = target
            segments = plainSegments
            query = []
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

    /// The common case: origin-form with nothing to decode and no query, whose path is the
    /// target itself (`/`, then visible ASCII but `#`, `%` and `?`). Anything else goes to the
    /// general parser, which also reports the errors.
    static func isPlainOriginForm(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.first == UInt8(ascii: "/") else { return false }
        for byte in bytes where !ByteSet.plainTarget.contains(byte) { return false }
        return true
    }

    /// Sets `segments` to the segments of a plain origin-form target (``isPlainOriginForm(_:)``),
    /// overwriting its elements in place: the parser's array of the last head is refilled with
    /// no allocation (``HeadStorage``), and only an unequal count goes through the array's
    /// generic resizing.
    static func split(plain bytes: UnsafeBufferPointer<UInt8>, into segments: inout [String]) {
        // One allocation for the paths routes have, when the array is new.
        if segments.capacity == 0 && bytes.count > 1 { segments.reserveCapacity(8) }
        var count = 0
        var segmentStart = 1
        var index = 1
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == UInt8(ascii: "/") {
                // `/` alone has no segment; otherwise each `/` ends one, and the end ends the last.
                if index == bytes.count && bytes.count == 1 { break }
                let segment = asciiString(UnsafeBufferPointer(rebasing: bytes[segmentStart..<index]))
                if count < segments.count {
                    segments[count] = segment
                } else {
                    segments.append(segment)
                }
                count += 1
                segmentStart = index + 1
            }
            index += 1
        }
        if segments.count > count { segments.removeLast(segments.count - count) }
    }

    /// A string of bytes known to be ASCII. The initializer that fills the string's own storage
    /// costs a quarter fewer instructions than `String(decoding:as:)`, which validates through a
    /// repairing path first (both check the bytes again).
    @inline(__always)
    static func asciiString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { storage in
            UnsafeMutableRawBufferPointer(storage).copyMemory(from: UnsafeRawBufferPointer(bytes))
            return bytes.count
        }
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
