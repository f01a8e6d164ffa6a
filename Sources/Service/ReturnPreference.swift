import HTTP

/// The `return` preference of RFC 7240's `Prefer` header, which a write honours: with
/// `return=minimal` it answers 204 with the new version's ETag instead of the written parameter.
///
/// Why a write offers it: its answer is, by default, the whole parameter (what PyTorch shows
/// after an in-place edit), so the cost of answering grows with the tensor, not with the edit.
/// A client setting one element of a 16M-element weight asks for a 200 MB JSON answer it will
/// throw away; with `return=minimal` an edit costs what its log record and fsync cost.
enum ReturnPreference: Equatable {
    case minimal
    case representation

    /// The first `return` preference of the request's `Prefer` fields, or nil. RFC 7240 §2:
    /// preferences are comma-separated, may carry `;`-parameters, a value may be a quoted
    /// string, names are case-insensitive, only a preference's first instance counts, and one
    /// not understood is ignored (so a malformed field never refuses the request).
    init?(_ headers: HTTPHeaders) {
        for field in headers.values("Prefer") {
            for preference in field.split(separator: ",") {
                let head = preference.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
                let parts = head.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, parts[0].trimmingOWS().lowercased() == "return" else { continue }
                var value = parts[1].trimmingOWS()
                if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
                switch value.lowercased() {
                case "minimal": self = .minimal
                case "representation": self = .representation
                default: return nil  // the first `return` counts, even one this server cannot honour
                }
                return
            }
        }
        return nil
    }

    /// Whether `request` asks for a minimal answer to a write.
    static func wantsMinimal(_ request: HTTPRequest) -> Bool {
        ReturnPreference(request.headers) == .minimal
    }
}

extension HTTPResponse {
    /// 204 for a write whose client asked `Prefer: return=minimal`: no body, the new version's
    /// ETag, and `Preference-Applied` saying why the parameter is not there.
    static func writtenMinimally(version: Int) -> HTTPResponse {
        var response = HTTPResponse(status: .noContent)
        response.headers.set("ETag", EntityTag.header(version: version))
        response.headers.set("Preference-Applied", "return=minimal")
        return response
    }
}
