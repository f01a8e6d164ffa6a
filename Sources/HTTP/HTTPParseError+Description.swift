extension HTTPParseError: CustomStringConvertible {
    /// A sentence for the client and the log: what was wrong, with the limit where there is one.
    public var description: String {
        switch self {
        case .invalidRequestLine: "the request line is not `method SP target SP HTTP-version`"
        case .invalidMethod: "the method holds a character that is not allowed in a token"
        case .unsupportedMethod: "this server does not implement that method"
        case .invalidTarget: "the request target has a forbidden character, a bad percent-escape or a fragment"
        case .targetTooLong(let limit): "the request target is longer than \(limit) bytes"
        case .invalidVersion: "the HTTP version is not of the form HTTP/1.1"
        case .unsupportedVersion: "only HTTP/1.0 and HTTP/1.1 are served"
        case .bareLineFeed: "a line ends in LF without CR; lines must end in CRLF"
        case .invalidHeaderName: "a header name is empty, holds a forbidden character, or has space before the colon"
        case .invalidHeaderValue: "a header value holds a control character"
        case .obsoleteLineFolding: "a header line is folded (starts with a space or tab)"
        case .headersTooLarge(let limit): "the request head is larger than \(limit) bytes"
        case .tooManyHeaders(let limit): "the request has more than \(limit) header fields"
        case .missingHost: "an HTTP/1.1 request needs a Host header"
        case .duplicateHost: "the request has more than one Host header"
        case .invalidHost: "the Host header is not a host name or address with an optional :port"
        case .invalidContentLength: "Content-Length is not a non-negative decimal number"
        case .conflictingContentLength: "the request gives different Content-Length values"
        case .conflictingFraming: "the request has both Content-Length and Transfer-Encoding"
        case .transferEncodingInHTTP10: "HTTP/1.0 requests cannot use Transfer-Encoding"
        case .invalidTransferEncoding: "Transfer-Encoding must be exactly `chunked`"
        case .unsupportedTransferCoding: "the only transfer coding served is chunked"
        case .lengthRequired: "a request with Expect: 100-continue needs Content-Length or chunked"
        case .unsupportedExpectation: "the only expectation served is 100-continue"
        case .bodyTooLarge(let limit): "the body is larger than \(limit) bytes"
        case .invalidChunkSize: "a chunk size is not 1 to 16 hex digits"
        case .invalidChunkExtension: "a chunk extension is malformed"
        case .invalidChunkTerminator: "chunk data is not followed by CRLF"
        case .incompleteBody: "the connection was half-closed before the end of the body"
        case .unsupportedContentEncoding: "the only content codings accepted are gzip and identity"
        case .invalidCompressedBody: "the gzip body does not inflate"
        case .inflatedBodyTooLarge(let limit): "the gzip body inflates to more than \(limit) bytes"
        }
    }
}
