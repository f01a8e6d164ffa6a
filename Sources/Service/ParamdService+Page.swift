import HTTP

extension ParamdService {
    /// `/` and `/ui/{asset}`: the parameter page. Open without a token (it holds no data; the
    /// page asks for the token before its first /v1 call).
    func addPageRoutes(to router: inout Router) {
        handle(&router, .get, "/") { request in
            Self.page(asset: "index.html", request)
        }
        handle(&router, .get, "/ui/{asset}") { request in
            Self.page(asset: request.parameter("asset"), request)
        }
    }

    /// The asset with its security headers; 304 when `If-None-Match` names its tag; 404 for
    /// a name that is not one of the page's files.
    static func page(asset name: String, _ request: HTTPRequest) -> HTTPResponse {
        guard let asset = PageAssets.all[name] else {
            return .problem(Problem(route: .noAsset(name: name)), instance: request.path)
        }
        var response: HTTPResponse
        if Self.isFresh(ifNoneMatch: request.headers["If-None-Match"], tag: asset.etag) {
            response = HTTPResponse(status: .notModified)
        } else {
            response = HTTPResponse(status: .ok, contentType: asset.contentType, body: asset.bytes)
        }
        response.headers.set("ETag", asset.etag)
        // Revalidate every time: file names carry no hash, and a 304 costs a few hundred bytes.
        response.headers.set("Cache-Control", "no-cache")
        for (name, value) in PageSecurity.headers { response.headers.set(name, value) }
        return response
    }

    /// `If-None-Match` lists `tag` (weak comparison, RFC 9110 §13.1.2) or is `*`.
    static func isFresh(ifNoneMatch value: String?, tag: String) -> Bool {
        guard let value else { return false }
        return value.split(separator: ",").contains { item in
            let candidate = String(item).trimmingSpaces
            return candidate == "*" || (candidate.hasPrefix("W/") ? String(candidate.dropFirst(2)) : candidate) == tag
        }
    }
}

/// The headers that keep the page's own text from ever running as code: scripts and styles
/// only from its own files (no inline code, no eval), nothing from other hosts, no framing.
enum PageSecurity {
    static let contentSecurityPolicy = [
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self'",
        "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"
    ].joined(separator: "; ")

    static let headers: [(String, String)] = [
        ("Content-Security-Policy", contentSecurityPolicy),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer")
    ]
}
