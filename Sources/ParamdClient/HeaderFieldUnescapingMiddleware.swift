public import Foundation
public import HTTPTypes
public import OpenAPIRuntime

/// Sends paramd's header parameters as they are written, not percent-encoded.
///
/// swift-openapi-runtime encodes every header parameter in the URI "simple" style, which
/// percent-encodes it: `If-Match: "3"` would go out as `%223%22` and `Tensor-Shape: 2,4` as
/// `2%2C4`, which are not an entity-tag and not a shape. paramd's values for these headers
/// are digits, quotes and commas only, so undoing the encoding restores what the caller set.
public struct HeaderFieldUnescapingMiddleware: ClientMiddleware {
    /// The request header fields to send verbatim.
    public static let fields: [HTTPField.Name] = [.ifMatch, HTTPField.Name("Tensor-Shape")!]

    public init() {}

    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        for name in Self.fields {
            if let value = request.headerFields[name], let plain = value.removingPercentEncoding {
                request.headerFields[name] = plain
            }
        }
        return try await next(request, body, baseURL)
    }
}
