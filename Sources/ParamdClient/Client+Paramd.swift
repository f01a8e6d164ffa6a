public import Foundation
import OpenAPIRuntime
import OpenAPIURLSession

extension Client {
    /// A client for the paramd serving at `serverURL` (`http://127.0.0.1:8080`), over
    /// URLSession: it sends `token` as a bearer token on every request when one is given, and
    /// sends `If-Match` and `Tensor-Shape` verbatim (`HeaderFieldUnescapingMiddleware`).
    public init(paramdAt serverURL: URL, token: String? = nil) {
        let authentication = token.map { [BearerTokenMiddleware(token: $0)] as [any ClientMiddleware] } ?? []
        self.init(
            serverURL: serverURL, transport: URLSessionTransport(),
            middlewares: authentication + [HeaderFieldUnescapingMiddleware()])
    }
}
