/// Content negotiation for gzip (RFC 9110 §12.5.3, §8.4).
enum ContentCoding {
    /// Whether Accept-Encoding allows gzip: listed (or `*`) with a q-value above zero.
    static func acceptsGzip(_ headers: HTTPHeaders) -> Bool {
        guard headers.mayContain(.acceptEncoding), headers.contains("Accept-Encoding") else { return false }
        var gzip: Bool?
        var wildcard: Bool?
        for value in headers.values("Accept-Encoding") {
            for member in value.split(separator: ",") {
                let parts = member.split(separator: ";")
                guard let coding = parts.first?.trimmingOWS() else { continue }
                var allowed = true
                for parameter in parts.dropFirst() {
                    let pair = parameter.trimmingOWS()
                    if pair.hasPrefix("q=") || pair.hasPrefix("Q=") {
                        allowed = (Double(pair.dropFirst(2)) ?? 0) > 0
                    }
                }
                if HTTPHeaders.namesEqual(coding, "gzip") || HTTPHeaders.namesEqual(coding, "x-gzip") {
                    gzip = allowed
                } else if coding == "*" {
                    wildcard = allowed
                }
            }
        }
        return gzip ?? wildcard ?? false
    }

    /// Whether a response is the kind compression is for, whatever the client accepts.
    static func isCompressible(_ response: HTTPResponse, policy: HTTPCompression) -> Bool {
        // The body's size first: most small answers end there, before any field is looked up.
        guard policy.isEnabled, case .bytes(let body) = response.body, body.count >= policy.minimumBytes, response.status.allowsBody,
            !response.headers.contains("Content-Encoding"), let type = response.headers["Content-Type"]
        else { return false }
        let lowered = type.lowercased()
        return policy.contentTypes.contains { lowered.hasPrefix($0) }
    }

    /// gzips an eligible body when the client accepts it and it shrinks; adds `Vary`.
    static func compressIfWorthwhile(_ response: consuming HTTPResponse, acceptsGzip: Bool, policy: HTTPCompression) -> HTTPResponse {
        // Consumed: the common answer is the response itself, moved through rather than copied.
        guard isCompressible(response, policy: policy), case .bytes(let body) = response.body else { return response }
        var response = response
        if !response.headers.containsToken("Accept-Encoding", in: "Vary") {
            response.headers.add("Vary", "Accept-Encoding")
        }
        guard acceptsGzip else { return response }
        let compressed = Gzip.compress(body, level: policy.level)
        guard compressed.count < body.count else { return response }
        response.body = .bytes(compressed)
        response.headers.set("Content-Encoding", "gzip")
        return response
    }
}
