/// A route's constant answer, encoded once when the route is registered
/// (``Router/constant(_:_:_:)``): the server answers a request for it from the head alone,
/// copying the status line, the fields and the body, and adding only what differs per request
/// (Date, Request-Id, Content-Length, Connection).
///
/// No ``HTTPRequest`` is made for such a request, no handler runs and no ``HTTPResponse`` is
/// copied or destroyed: for the health probe those were most of the server's own work.
public final class PrebuiltResponse: Sendable {
    let status: HTTPStatus
    /// `HTTP/1.1 <code> <reason>\r\n` and the response's own fields' lines, as
    /// ``ResponseHead`` writes them (the server's fields filtered out).
    let statusAndFields: [UInt8]
    /// Whether the fields include a Date (the server's is then left out).
    let hasDate: Bool
    let body: [UInt8]
    /// The template of the route that answers with it, for the completion hook.
    let route: String?
    /// The response says `Connection: close`: the connection closes after it.
    let closes: Bool

    /// Encodes `response`, whose body must be whole bytes (a stream is not a constant).
    init(_ response: HTTPResponse, route: String?) {
        guard case .bytes(let body) = response.body else { preconditionFailure("a constant answer streams no body") }
        status = response.status
        self.body = body
        self.route = route
        closes = response.headers.containsToken("close", in: "Connection")
        let (bytes, hasDate) = ResponseHead.encodeStatusAndFields(of: response)
        statusAndFields = bytes
        self.hasDate = hasDate
    }
}

/// A constant answer and the request it answered (``ConnectionMachine/lastConstant``), with
/// its head's bytes around the request id as this connection last sent them. A class: looking
/// at it copies one reference, not two strings and the answer. Touched only on its loop.
final class ConstantHit {
    let method: HTTPMethod
    let target: String
    let answer: PrebuiltResponse
    /// The head up to the request id's value (``ResponseHead/constantPrefix(of:date:)``), made
    /// with the Date field `prefixDate`.
    private var prefix: [UInt8] = []
    /// Held while `prefix` is, so that its storage is never freed and reused by another Date:
    /// the loop makes a new array each second, and identity (not content) decides a match.
    private var prefixDate: [UInt8] = []
    /// The head after the id (``ResponseHead/constantSuffix(of:keepAlive:version:sendsBody:)``),
    /// for `suffixKey`'s keep-alive, HTTP/1.0 and body (−1 before the first).
    private var suffix: [UInt8] = []
    private var suffixKey = -1

    init(method: HTTPMethod, target: String, answer: PrebuiltResponse) {
        self.method = method
        self.target = target
        self.answer = answer
    }

    /// The head's bytes before the id, with `date` (the loop's current Date field).
    func prefix(date: [UInt8]) -> [UInt8] {
        let same = date.withUnsafeBufferPointer { new in
            prefixDate.withUnsafeBufferPointer { old in new.baseAddress == old.baseAddress && new.count == old.count }
        }
        if prefix.isEmpty || !same {
            prefix = ResponseHead.constantPrefix(of: answer, date: date)
            prefixDate = date
        }
        return prefix
    }

    /// The head's bytes after the id, and the body when `sendsBody`.
    func suffix(keepAlive: Bool, version: HTTPVersion, sendsBody: Bool) -> [UInt8] {
        let key = (keepAlive ? 1 : 0) | (version == .http1_0 ? 2 : 0) | (sendsBody ? 4 : 0)
        if key != suffixKey {
            suffix = ResponseHead.constantSuffix(of: answer, keepAlive: keepAlive, version: version, sendsBody: sendsBody)
            suffixKey = key
        }
        return suffix
    }
}
