import Foundation

/// One hostile request, as raw bytes, and the statuses that count as a clear refusal.
struct HostileCase: Sendable, CustomStringConvertible {
    var label: String
    var bytes: [UInt8]
    var allowed: Set<Int>
    /// When set, the detail must contain one of these (case-insensitive): it has to say what is wrong.
    var detailMentionsAny: [String]?

    var description: String { label }

    /// This case, requiring the detail to mention one of `words`.
    func detailMentioning(_ words: String...) -> HostileCase {
        var copy = self
        copy.detailMentionsAny = words
        return copy
    }

    /// A request with `body` (Content-Length set to its size unless `headers` frame it).
    static func http(
        _ label: String, _ method: String, _ target: String, body: [UInt8]? = nil,
        contentType: String? = "application/json", headers: [(String, String)] = [], allowed: Set<Int> = [400]
    ) -> HostileCase {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if body != nil, let contentType { head += "Content-Type: \(contentType)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let framed = headers.contains { ["content-length", "transfer-encoding"].contains($0.0.lowercased()) }
        if let body, !framed {
            head += "Content-Length: \(body.count)\r\n"
        }
        return HostileCase(label: label, bytes: Array((head + "\r\n").utf8) + (body ?? []), allowed: allowed, detailMentionsAny: nil)
    }

    /// A request with a JSON text body.
    static func json(
        _ label: String, _ method: String, _ target: String, _ json: String,
        contentType: String? = "application/json", headers: [(String, String)] = [], allowed: Set<Int> = [400]
    ) -> HostileCase {
        http(label, method, target, body: Array(json.utf8), contentType: contentType, headers: headers, allowed: allowed)
    }

    /// Bytes sent exactly as given (protocol-level garbage).
    static func raw(_ label: String, _ text: String, allowed: Set<Int>) -> HostileCase {
        HostileCase(label: label, bytes: Array(text.utf8), allowed: allowed, detailMentionsAny: nil)
    }

    /// Sends the case and returns what is wrong with the answer: not within 5 s, a status
    /// outside `allowed`, or not a problem+json document with a useful detail.
    func violations(on server: ServerProcess) -> [String] {
        let response: WireResponse
        do {
            response = try Wire.exchange(port: server.port, bytes, timeout: 5)
        } catch {
            return ["\(label): no answer (\(error))"]
        }
        if ProcessInfo.processInfo.environment["PARAMD_E2E_VERBOSE"] != nil {
            print("hostile \(label) → \(response.status) \(response.object["detail"] ?? response.text.prefix(120))")
        }
        var problems: [String] = []
        if !allowed.contains(response.status) {
            problems.append("\(label): status \(response.status), expected \(allowed.sorted()): \(response.text.prefix(300))")
        }
        guard response.isProblem else {
            return problems + [
                "\(label): \(response.status) with Content-Type \(response.header("Content-Type") ?? "none"), not application/problem+json: \(response.text.prefix(200))"
            ]
        }
        let document = response.object
        let detail = document["detail"] as? String ?? ""
        if detail.count < 10 { problems.append("\(label): the problem's detail is not helpful: \(detail.debugDescription)") }
        if let words = detailMentionsAny, !words.contains(where: { detail.lowercased().contains($0) }) {
            problems.append("\(label): the detail should say \(words.joined(separator: " or ")): \(detail.debugDescription)")
        }
        if (document["status"] as? Int) != response.status {
            problems.append("\(label): problem status \(document["status"] ?? "none") differs from the HTTP status \(response.status)")
        }
        if document["type"] as? String == nil || document["title"] as? String == nil {
            problems.append("\(label): the problem lacks type or title: \(response.text.prefix(200))")
        }
        return problems
    }
}

/// Everything a client can observe of the stored state, to show a hostile request changed
/// nothing: the listing (names and versions) and each model's ETag and values.
struct StoredSnapshot: Equatable, CustomStringConvertible {
    var listing: String
    var models: [String: DurabilityLedger.ModelState]

    static func take(_ server: ServerProcess) throws -> StoredSnapshot {
        let listing = try server.wire("GET", "/v1/models")
        var models: [String: DurabilityLedger.ModelState] = [:]
        for name in try DurabilityLedger.listedNames(server) {
            models[name] = try DurabilityLedger.readState(name, from: server)
        }
        return StoredSnapshot(listing: listing.text, models: models)
    }

    var description: String { listing }
}
