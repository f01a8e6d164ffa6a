/// Why a request could not be parsed or accepted. Each case maps to one response ``status``;
/// after any of them the framing of the rest of the stream is unknown, so the server closes.
public enum HTTPParseError: Error, Equatable, Sendable {
    /// The request line is not `method SP target SP version` (RFC 9112 §3).
    case invalidRequestLine
    /// The method holds a byte outside the token grammar (RFC 9110 §5.6.2).
    case invalidMethod
    /// The method is a valid token this server does not implement (RFC 9110 §9.1 → 501).
    case unsupportedMethod
    /// The target has a forbidden byte, a bad percent-escape, a fragment, or the wrong form.
    case invalidTarget
    /// The target (or an unfinished request line) exceeds ``HTTPLimits/maxTargetBytes``.
    case targetTooLong(limit: Int)
    /// The version is not `HTTP/DIGIT.DIGIT`.
    case invalidVersion
    /// A well-formed version other than HTTP/1.x (RFC 9110 §15.6.6 → 505).
    case unsupportedVersion
    /// An LF without the CR before it. Policy: rejected everywhere, although RFC 9112 §2.2 lets a
    /// recipient accept it, because parsers that disagree on line ends enable request smuggling.
    case bareLineFeed
    /// A field name is empty, holds a non-token byte, or has whitespace before the colon (RFC 9112 §5.1).
    case invalidHeaderName
    /// A field value holds a control byte other than HTAB (RFC 9110 §5.5).
    case invalidHeaderValue
    /// A line starts with SP or HTAB: obsolete line folding (RFC 9112 §5.2).
    case obsoleteLineFolding
    /// The head exceeds ``HTTPLimits/maxHeaderBytes``.
    case headersTooLarge(limit: Int)
    /// More fields than ``HTTPLimits/maxHeaderCount``.
    case tooManyHeaders(limit: Int)
    /// An HTTP/1.1 request without Host (RFC 9112 §3.2).
    case missingHost
    /// More than one Host field (RFC 9112 §3.2).
    case duplicateHost
    /// A Host value that is not `uri-host [":" port]` (RFC 9112 §3.2, RFC 9110 §7.2).
    case invalidHost
    /// Content-Length is not a non-negative decimal number.
    case invalidContentLength
    /// Content-Length fields or list members that differ (RFC 9110 §8.6).
    case conflictingContentLength
    /// Content-Length and Transfer-Encoding together, the classic smuggling vector (RFC 9112 §6.1).
    case conflictingFraming
    /// Transfer-Encoding in an HTTP/1.0 request, whose framing is then faulty (RFC 9112 §6.1).
    case transferEncodingInHTTP10
    /// Transfer-Encoding empty, or chunked missing, repeated, or not last (RFC 9112 §6.3).
    case invalidTransferEncoding
    /// A transfer coding other than chunked (RFC 9112 §6.1 → 501).
    case unsupportedTransferCoding
    /// `Expect: 100-continue` with neither Content-Length nor chunked (→ 411).
    case lengthRequired
    /// An Expect value other than 100-continue (RFC 9110 §10.1.1 → 417).
    case unsupportedExpectation
    /// The body exceeds the limit in force, known before reading it where Content-Length says so.
    case bodyTooLarge(limit: Int)
    /// A chunk-size line that is not hex digits (at most 16), optionally followed by extensions.
    case invalidChunkSize
    /// A chunk extension holding a control byte or not starting with `;`.
    case invalidChunkExtension
    /// Chunk data not followed by CRLF.
    case invalidChunkTerminator
    /// The client closed its side of the connection before the body's end.
    case incompleteBody
    /// A Content-Encoding other than gzip or identity (RFC 9110 §15.5.16 → 415).
    case unsupportedContentEncoding
    /// A gzip body that does not inflate.
    case invalidCompressedBody
    /// A gzip body that inflates beyond ``HTTPLimits/maxInflatedBodyBytes``.
    case inflatedBodyTooLarge(limit: Int)

    /// The status the server answers with before closing the connection.
    public var status: HTTPStatus {
        switch self {
        case .unsupportedMethod, .unsupportedTransferCoding: .notImplemented
        case .targetTooLong: .uriTooLong
        case .unsupportedVersion: .httpVersionNotSupported
        case .headersTooLarge, .tooManyHeaders: .requestHeaderFieldsTooLarge
        case .lengthRequired: .lengthRequired
        case .unsupportedExpectation: .expectationFailed
        case .bodyTooLarge, .inflatedBodyTooLarge: .contentTooLarge
        case .unsupportedContentEncoding: .unsupportedMediaType
        default: .badRequest
        }
    }
}
