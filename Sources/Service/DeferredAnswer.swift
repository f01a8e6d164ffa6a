import HTTP

/// How a deferred route (``ParamdService/handleDeferred(_:_:_:placement:body:errors:_:)``) answers its
/// request: through the request's sink, with what it throws turned into a response by the
/// route's error mapping, as ``ParamdService/handle(_:_:_:placement:body:_:)`` does for a task.
struct DeferredAnswer: Sendable {
    /// Turns an error into the route's error response (a problem, the inference protocol's body).
    typealias ErrorMapping = @Sendable (any Error, HTTPRequest) -> HTTPResponse

    let sink: HTTPResponseSink
    let request: HTTPRequest
    let errors: ErrorMapping

    /// Sends the response, or the error's.
    func send(_ result: Result<HTTPResponse, any Error>) {
        switch result {
        case .success(let response): sink.send(response)
        case .failure(let error): sink.send(errors(error, request))
        }
    }
}

extension ParamdService {
    /// Registers `handler` as a deferred route (``Router/deferred(_:_:placement:body:handler:)``):
    /// it takes the request where `placement` puts it and answers through its
    /// ``DeferredAnswer``, now or later, with no task of its own. What it throws is answered at
    /// once through `errors` (by default a problem in the route's context).
    func handleDeferred(
        _ router: inout Router, _ method: HTTPMethod, _ template: String, placement: HandlerPlacement,
        body: HTTPBodyPlanner? = nil, errors: DeferredAnswer.ErrorMapping? = nil,
        _ handler: @escaping @Sendable (HTTPRequest, DeferredAnswer) throws -> Void
    ) {
        let errors = errors ?? { [self] error, request in problemResponse(error, to: request) }
        router.deferred(method, template, placement: placement, body: body) { request, sink in
            let answer = DeferredAnswer(sink: sink, request: request, errors: errors)
            do {
                try handler(request, answer)
            } catch {
                answer.send(.failure(error))
            }
        }
    }
}
