import HTTP
import JSON
import NeuralNet

extension Problem {
    /// A model's errors: 404 for a name without a model, 409 for a taken name, 507 at the
    /// model limit, 500 for a damaged model, 412 (with the current ETag) for a stale `If-Match`,
    /// 409 for a file export of a model that has parameters without values yet.
    init(model error: ModelError) {
        switch error {
        case .unknown(let name):
            self = .notFound("no model is named \(name.debugDescription)", slug: "unknown-model")
        case .nameTaken(let name):
            self = Problem(
                status: 409, slug: "name-taken", title: "Conflict",
                detail: "a model named \(name.debugDescription) already exists; DELETE it first or choose another name")
        case .tooManyModels(let limit):
            self = Problem(
                status: 507, slug: "too-many-models", title: "Insufficient storage",
                detail: "this server holds its limit of \(limit) models; delete one first")
        case .damaged(let name, let reason):
            self = Problem(
                status: 500, slug: "damaged-model", title: "Damaged model",
                detail: "the stored model \(name.debugDescription) could not be loaded (\(reason)); DELETE it to remove its folder")
        case .preconditionFailed(let version):
            self = Problem(
                status: 412, slug: "precondition-failed", title: "Precondition failed",
                detail: "If-Match does not list the model's current ETag \(EntityTag.header(version: version))",
                headers: [(name: "ETag", value: EntityTag.header(version: version))])
        case .notMaterialized(let model, let path):
            self = Problem(
                status: 409, slug: "not-materialized", title: "Conflict",
                detail: "parameter \(path) has no value yet: its layer does not know its input width. "
                    + "Run one forward pass (POST /v1/models/\(model)/forward) or create the model with input_shape, then ask again",
                extensions: ["path": .string(path)])
        }
    }

    /// Training that kept nothing: 422 for a number that stopped being finite, 409 when a write
    /// moved the model on while training ran.
    init(training error: TrainingError) {
        switch error {
        case .nonFiniteLoss(let loss):
            self = .unprocessable("the loss is not finite (\(loss)); nothing was changed", slug: "non-finite")
        case .nonFiniteGradient(let path):
            self = .unprocessable("the gradient of \(path) is not finite; nothing was changed", slug: "non-finite", path: path)
        case .lossDiverged(let loss, let epoch, let step):
            self = .unprocessable(
                "the loss became \(loss) at epoch \(epoch), step \(step); training stopped and the model keeps its previous weights",
                slug: "non-finite")
        case .nonFiniteWeight(let path):
            self = .unprocessable(
                "training made \(path) non-finite; the model keeps its previous weights", slug: "non-finite", path: path)
        case .changedDuringTraining(let trained, let current):
            self = Problem(
                status: 409, slug: "changed-during-training", title: "Conflict",
                detail: "the model went from version \(trained) to \(current) while training ran on version \(trained); "
                    + "the trained weights were not stored, train again on the current version")
        }
    }

    /// The bearer-token check's refusals: 401 with the challenge RFC 6750 §3 asks for, 403
    /// naming the scope a valid token lacks (§3.1).
    init(access refusal: AccessRefusal) {
        switch refusal {
        case .noToken, .invalidToken:
            let provided = refusal == .invalidToken
            self = Problem(
                status: 401, slug: "unauthorized", title: "Unauthorized",
                detail: provided
                    ? "the bearer token is not valid for this server"
                    : "this server requires Authorization: Bearer <token> on /v1 routes",
                headers: [
                    (
                        name: "WWW-Authenticate",
                        value: provided ? #"Bearer realm="paramd", error="invalid_token""# : #"Bearer realm="paramd""#
                    )
                ])
        case .insufficientScope(let scope, let method, let route):
            self = Problem(
                status: 403, slug: "insufficient-scope", title: "Forbidden",
                detail: "this token lacks the scope \"\(scope.rawValue)\", which \(method) \(route) needs",
                extensions: ["required_scope": .string(scope.rawValue)],
                headers: [
                    (name: "WWW-Authenticate", value: #"Bearer realm="paramd", error="insufficient_scope", scope="\#(scope.rawValue)""#)
                ])
        }
    }

    /// Requests that reach no handler: 404 and 405 from the router, 503 before the models are
    /// loaded, 404 for a page file that does not exist.
    init(route error: RouteError) {
        switch error {
        case .noRoute(let method, let path):
            self = .notFound("no route matches \(method) \(path)", slug: "no-route")
        case .methodNotAllowed(let method, let allowed):
            self = Problem(
                status: 405, slug: "method-not-allowed", title: "Method not allowed",
                detail: "\(method) is not allowed here; use \(allowed.joined(separator: ", "))")
        case .notReady:
            self = Problem(status: 503, slug: "not-ready", title: "Not ready", detail: "stored models are still loading")
        case .noAsset(let name):
            self = .notFound("the page has no file named \(name.debugDescription)", slug: "no-asset")
        }
    }

    /// A strict state-dict load whose keys do not match: 422 listing every offending key.
    init(stateDict mismatch: StateDictMismatchError) {
        self = Problem(
            status: 422, slug: "state-dict-mismatch", title: "Cannot apply", detail: mismatch.description,
            extensions: mismatch.load.reportMembers)
    }

    /// What the HTTP server refused before any route saw the request (a malformed head, a body
    /// too large): its status as is, `http-<code>`.
    init(refusedWith status: HTTPStatus, error: HTTPParseError?) {
        let detail = error?.description ?? status.reasonPhrase
        self = Problem(
            status: status.code, slug: "http-\(status.code)", title: status.reasonPhrase,
            detail: "the server refused the request: \(detail)")
    }
}
