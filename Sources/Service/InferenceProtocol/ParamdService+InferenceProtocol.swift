import HTTP
import JSON
import Logging
import NeuralNet

/// The Open Inference Protocol v2 (KServe V2, Triton HTTP/REST) over paramd's models: health,
/// metadata and inference under `/v2`, every failure as `{"error": "..."}`.
///
/// Each model is served at its current version only (every durable write makes a new one), as
/// one FP32 input `input` and one FP32 output `output` (``InferenceSignature``). Inference runs
/// the very forward pass of `POST /v1/models/{model}/forward` (``ParamdService/forwardPass(_:parse:)``),
/// so the outputs are bit for bit the same, and small requests share passes with /v1's.
extension ParamdService {
    func addInferenceProtocolRoutes(to router: inout Router) {
        let notFound = router.notFound
        router.notFound = { request in
            guard InferenceProtocolPaths.owns(request.path) else { return notFound(request) }
            return InferenceErrorBody.response(for: RouteError.noRoute(method: request.method.rawValue, path: request.path))
        }
        let methodNotAllowed = router.methodNotAllowed
        router.methodNotAllowed = { request, allowed in
            guard InferenceProtocolPaths.owns(request.path) else { return methodNotAllowed(request, allowed) }
            return InferenceErrorBody.response(
                for: RouteError.methodNotAllowed(method: request.method.rawValue, allowed: allowed.map(\.rawValue)))
        }
        router.use(readiness.middleware(for: InferenceProtocolPaths.needsToken))

        handleInference(&router, .get, "/v2/health/live") { _ in .json(.object(["live": .bool(true)])) }
        handleInference(&router, .get, "/v2/health/ready") { [self] _ in
            guard readiness.isReady else { return InferenceErrorBody.response(for: RouteError.notReady) }
            return .json(.object(["ready": .bool(true)]))
        }
        // tritonclient asks for /v2, the protocol's OpenAPI document names /v2/.
        for template in ["/v2", "/v2/"] {
            handleInference(&router, .get, template) { _ in .json(InferenceMetadata.server) }
        }
        for prefix in ["/v2/models/{model}", "/v2/models/{model}/versions/{version}"] {
            handleInference(&router, .get, prefix) { [self] request in
                let state = try await inferenceState(request)
                return .json(InferenceMetadata.model(name: state.name, version: state.version, signature: InferenceSignature(state.model)))
            }
            handleInference(&router, .get, prefix + "/ready") { [self] request in
                let state = try await inferenceState(request)
                return .json(.object(["name": .string(state.name), "ready": .bool(true)]))
            }
            let inferring = byModelSize { request, size in
                let bodyBytes = request.bodyByteCount
                let framing = try? InferenceBodyFraming(
                    bodyLength: bodyBytes, headerValue: request.headers[InferenceBodyFraming.headerName])
                let jsonBytes = framing?.jsonLength ?? bodyBytes
                return ForwardRequest.estimatedCost(jsonBytes: jsonBytes, rawBytes: bodyBytes - jsonBytes, size: size)
            }
            handleDeferred(&router, .post, prefix + "/infer", placement: inferring, body: ReusableBody.plan, errors: inferenceErrors) {
                [self] request, answer in
                try infer(request, answer)
            }
        }
    }

    /// POST infer: decode against the model's signature and run the shared forward pass, both
    /// where the router placed the route; answer JSON or binary as the request asks. Content-Type is not
    /// looked at, as Triton does not: the protocol's framing says what the body is, tritonclient
    /// sends none, and `curl -d` sends a form type.
    private func infer(_ request: HTTPRequest, _ answer: DeferredAnswer) throws {
        let slot = try owner(request)
        let snapshot = try slot.state()
        sizes.record(snapshot, of: slot)
        try Self.checkVersion(request, state: snapshot)
        let signature = InferenceSignature(snapshot.model)
        let headerLength = request.headers[InferenceBodyFraming.headerName]
        let parsed = try request.withBodyBytes { body in
            try InferenceRequest(body: body, headerLength: headerLength, signature: signature)
        }
        try forwardPass(ForwardSnapshot(slot: slot, state: snapshot), parsed, turn: answer.sink) { outcome in
            answer.send(
                Result {
                    let (state, result) = try outcome.get()
                    return InferenceResponse.make(
                        model: state.name, version: state.version, id: parsed.id, output: result.output, binary: parsed.outputIsBinary)
                })
            // Answered: the inputs' storage may serve the next request's.
            FloatArrayPool.shared.giveBack(parsed.inputs.scalars)
        }
    }

    /// The request's model at its current version, which a `{version}` segment must name.
    private func inferenceState(_ request: HTTPRequest) async throws -> ModelState {
        let state = try await slot(request).state()
        try Self.checkVersion(request, state: state)
        return state
    }

    private static func checkVersion(_ request: HTTPRequest, state: ModelState) throws(InferenceProtocolError) {
        guard let version = request.parameters["version"], version != String(state.version) else { return }
        throw .unknownVersion(model: state.name, requested: version, current: state.version)
    }

    /// Registers a `/v2` handler whose errors become the protocol's error body.
    private func handleInference(
        _ router: inout Router, _ method: HTTPMethod, _ template: String, placement: HandlerPlacement? = nil,
        _ handler: @escaping HTTPHandler
    ) {
        router.on(method, template, placement: placement ?? Placement.byMethod(method)) { [self] request in
            do {
                return try await handler(request)
            } catch {
                return inferenceErrors(error, request)
            }
        }
    }

    /// The protocol's error body for `error`; logged when it is the server's fault.
    private func inferenceErrors(_ error: any Error, _ request: HTTPRequest) -> HTTPResponse {
        let response = InferenceErrorBody.response(for: error)
        if response.status.code >= 500 {
            logger.error("request failed", metadata: ["id": "\(request.id)", "error": "\(error)"])
        }
        return response
    }
}

/// Which paths the inference protocol owns, and which of them need the token.
enum InferenceProtocolPaths {
    static func owns(_ path: String) -> Bool { path == "/v2" || path.hasPrefix("/v2/") }

    /// Every `/v2` path but the health probes, which stay open like /healthz and /readyz.
    static func needsToken(_ path: String) -> Bool { owns(path) && !path.hasPrefix("/v2/health/") }
}
