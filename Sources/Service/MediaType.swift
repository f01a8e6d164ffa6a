import HTTP

/// Content negotiation for the two representations paramd speaks: JSON and raw float32.
enum MediaType {
    static let json = "application/json"
    static let problem = "application/problem+json"
    static let octetStream = "application/octet-stream"
    static let ndjson = "application/x-ndjson"
    static let eventStream = "text/event-stream"

    /// The media type of `Content-Type` without parameters, lowercased; nil when absent.
    static func essence(of value: String?) -> String? {
        guard let value else { return nil }
        // What clients send almost always: a bare lowercase type, returned as it is (this runs
        // for every request with a body, and splitting and lowercasing allocate).
        // Scanned as the string's contiguous bytes: through the UTF8View's iterator the scan
        // cost ~40 instructions a byte. A string without such storage takes the general path.
        let isBare =
            value.utf8.withContiguousStorageIfAvailable { bytes in
                !bytes.contains { byte in
                    byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
                        || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                }
            } ?? false
        if isBare { return value }
        let type = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return type.trimmingSpaces.lowercased()
    }

    /// Whether the `Accept` header asks for `type` (listed with a non-zero q).
    ///
    /// paramd answers JSON unless the client names the other type; `*/*` does not count, so
    /// curl's default still gets JSON.
    static func accepts(_ type: String, header: String?) -> Bool {
        guard let header else { return false }
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { String($0).trimmingSpaces.lowercased() }
            guard parts.first == type else { continue }
            let refused = parts.dropFirst().contains { parameter in
                let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
                return pair.count == 2 && pair[0] == "q" && (Double(pair[1]) ?? 1) == 0
            }
            if !refused { return true }
        }
        return false
    }
}

/// What a request body is, after its Content-Type has been checked against the route.
enum RequestBodyKind {
    case json
    case raw
}

extension HTTPRequest {
    /// Checks the body's Content-Type: JSON always, raw float32 where `allowsRaw`.
    /// - Throws: 415 naming what was sent and what the route takes.
    func bodyKind(allowsRaw: Bool = false) throws(Problem) -> RequestBodyKind {
        let type = MediaType.essence(of: headers["Content-Type"])
        switch type {
        case MediaType.json?: return .json
        case MediaType.octetStream? where allowsRaw: return .raw
        default:
            throw Problem.unsupportedMediaType(
                headers["Content-Type"],
                accepted: allowsRaw ? [MediaType.json, MediaType.octetStream] : [MediaType.json])
        }
    }

    /// Whether the client asked for raw float32 (`Accept: application/octet-stream`).
    var wantsRaw: Bool { MediaType.accepts(MediaType.octetStream, header: headers["Accept"]) }

    /// Whether the client asked for server-sent events (`Accept: text/event-stream`).
    var wantsEventStream: Bool { MediaType.accepts(MediaType.eventStream, header: headers["Accept"]) }

    /// The `{name}` value of the matched route; the router guarantees it exists.
    func parameter(_ name: String) -> String { parameters[name] ?? "" }
}
