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
        var text = target
        // `withUTF8` rethrows untyped errors: the typed one travels in a Result.
        self = try text.withUTF8 { bytes in Result { () throws(HTTPParseError) in try Self(bytes: bytes, method: method) } }.get()
    }

    /// Parses a target's bytes: every byte visible ASCII but `#`, then the forms by their first byte.
    private init(bytes: UnsafeBufferPointer<UInt8>, method: HTTPMethod) throws(HTTPParseError) {
        if bytes.isEmpty { throw .invalidTarget }
        for byte in bytes where byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: "#") {
            throw .invalidTarget
        }
        if bytes.count == 1 && bytes[0] == UInt8(ascii: "*") {
            guard method == .options else { throw .invalidTarget }
            self.init(path: "*", segments: [], query: [])
            return
        }
        if bytes[0] == UInt8(ascii: "/") {
            try self.init(originForm: bytes)
            return
        }
        // absolute-form: scheme "://" authority path-abempty [ "?" query ]; the origin-form
        // part is what the server uses, "/" when the path is empty.
        let schemeLength = Self.hasPrefix(bytes, "http://") ? 7 : Self.hasPrefix(bytes, "https://") ? 8 : 0
        guard schemeLength > 0 else { throw .invalidTarget }
        let afterScheme = UnsafeBufferPointer(rebasing: bytes[schemeLength...])
        if let slash = afterScheme.firstIndex(of: UInt8(ascii: "/")),
            afterScheme[..<slash].firstIndex(of: UInt8(ascii: "?")) == nil
        {
            try self.init(originForm: UnsafeBufferPointer(rebasing: afterScheme[slash...]))
            return
        }
        let question = afterScheme.firstIndex(of: UInt8(ascii: "?")) ?? afterScheme.endIndex
        let originForm = [UInt8(ascii: "/")] + afterScheme[question...]
        self = try originForm.withUnsafeBufferPointer { form throws(HTTPParseError) in try Self(originForm: form) }
    }

    private init(path: String, segments: [String], query: [HTTPQueryItem]) {
        self.path = path
        self.segments = segments
        self.query = query
    }

    /// `/path?query` of validated bytes: the path and its segments (split before decoding, so an
    /// encoded `/` stays inside its segment), then the query's `&`-separated items, whose `+` is
    /// a space. A part with nothing to decode is copied as it is.
    private init(originForm bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) {
        let questionMark = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex
        let rawPath = UnsafeBufferPointer(rebasing: bytes[..<questionMark])
        path = try Self.decode(rawPath, plusIsSpace: false)
        segments = []
        if rawPath.count > 1 {
            var segmentStart = 1
            for index in 1...rawPath.count where index == rawPath.count || rawPath[index] == UInt8(ascii: "/") {
                segments.append(try Self.decode(UnsafeBufferPointer(rebasing: rawPath[segmentStart..<index]), plusIsSpace: false))
                segmentStart = index + 1
            }
        }
        query = []
        var itemStart = questionMark + 1
        while itemStart < bytes.count {
            // A rebased buffer counts from 0: the `&` is `itemStart` plus its index there.
            let rest = UnsafeBufferPointer(rebasing: bytes[itemStart...])
            let itemEnd = itemStart + (rest.firstIndex(of: UInt8(ascii: "&")) ?? rest.count)
            // Empty items (`a&&b`, a trailing `&`) are no items.
            if itemEnd > itemStart {
                let item = UnsafeBufferPointer(rebasing: bytes[itemStart..<itemEnd])
                let equals = item.firstIndex(of: UInt8(ascii: "=")) ?? item.endIndex
                let name = try Self.decode(UnsafeBufferPointer(rebasing: item[..<equals]), plusIsSpace: true)
                let value =
                    equals < item.endIndex
                    ? try Self.decode(UnsafeBufferPointer(rebasing: item[(equals + 1)...]), plusIsSpace: true) : ""
                query.append(HTTPQueryItem(name: name, value: value))
            }
            itemStart = itemEnd + 1
        }
    }

    /// Whether `bytes` starts with the lowercase ASCII `prefix`, in any case.
    private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        guard bytes.count >= prefix.utf8CodeUnitCount else { return false }
        for (index, expected) in UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount).enumerated()
        where bytes[index] | 0x20 != expected {
            return false
        }
        return true
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
    /// `bytes` are visible ASCII (checked first), so without `%` (or `+` in a query) they are
    /// the string as they are.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, plusIsSpace: Bool) throws(HTTPParseError) -> String {
        var plain = true
        for byte in bytes where byte == UInt8(ascii: "%") || (plusIsSpace && byte == UInt8(ascii: "+")) {
            plain = false
            break
        }
        if plain { return asciiString(bytes) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else { throw .invalidTarget }
                let value = high << 4 | low
                if value == 0 { throw .invalidTarget }
                decoded.append(value)
                index += 3
            } else {
                decoded.append(plusIsSpace && byte == UInt8(ascii: "+") ? 0x20 : byte)
                index += 1
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
