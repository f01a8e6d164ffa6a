import HTTP
import JSON

/// The protocol's error answer, `{"error": "<message>"}`, which every `/v2` failure uses in
/// place of problem+json (tritonclient and the kserve client read the `error` member).
enum InferenceErrorBody {
    /// The response for whatever a `/v2` handler threw. Statuses follow Triton's mapping: not
    /// found 404, unavailable 503, everything the client got wrong 400 (paramd's 422, "well
    /// formed but not applicable to this model", has no place in the protocol); 401, 405,
    /// 413, 415 and server errors keep their own. `message` replaces the error's own text.
    static func response(for error: any Error, message: String? = nil) -> HTTPResponse {
        if let error = error as? InferenceProtocolError {
            return response(status: status(of: error), message: message ?? error.description)
        }
        let problem = Problem(error)
        var response = response(status: problem.status == 422 ? 400 : problem.status, message: message ?? problem.detail)
        for header in problem.headers { response.headers.set(header.name, header.value) }
        return response
    }

    private static func response(status: Int, message: String) -> HTTPResponse {
        let body = JSONValue.object(["error": .string(message)]).jsonBytes
        return HTTPResponse(status: HTTPStatus(code: status), contentType: MediaType.json, body: body)
    }

    /// 404 for a version the model is not at, 400 for everything else the request got wrong.
    private static func status(of error: InferenceProtocolError) -> Int {
        switch error {
        case .unknownVersion: 404
        default: 400
        }
    }
}
