import JSON
import NeuralNet

extension Problem {
    /// Maps any error a handler throws to the problem a client sees. This is the one place
    /// where module errors meet HTTP statuses:
    ///
    /// - ``Problem``: as is.
    /// - `JSONError`: 400 (malformed JSON, a non-number in a tensor, a number beyond Float32),
    ///   except a ragged or unevenly nested array (422: well-formed JSON, but no tensor) and
    ///   size limits (413).
    /// - `NeuralNetError`: its category decides, 400 for a malformed spec, rule or option and
    ///   422 for one that does not fit the model or a size limit (the request is well-formed, the
    ///   server will not build it); but an unknown parameter is 404, since the URL names it.
    /// - ``ModelStoreError``: see ``init(store:)`` (404, 409, 507, 503, 500).
    /// - the service's own errors, each by its initializer in `Problem+Domain.swift`:
    ///   `ModelError`, `TrainingError`, `AccessRefusal`, `RouteError`, and NeuralNet's
    ///   `StateDictMismatchError`.
    /// - anything else: 500 without details (the log has them).
    public init(_ error: any Error) {
        switch error {
        case let problem as Problem:
            self = problem
        case let json as JSONError:
            self = Problem(json: json)
        case let neural as NeuralNetError:
            self = Problem(neural: neural)
        case let store as ModelStoreError:
            self = Problem(store: store)
        case let model as ModelError:
            self = Problem(model: model)
        case let training as TrainingError:
            self = Problem(training: training)
        case let access as AccessRefusal:
            self = Problem(access: access)
        case let route as RouteError:
            self = Problem(route: route)
        case let mismatch as StateDictMismatchError:
            self = Problem(stateDict: mismatch)
        default:
            self = Problem(
                status: 500, slug: "internal-error", title: "Internal error",
                detail: "the server failed to handle this request; its log has the details")
        }
    }

    init(json error: JSONError) {
        let detail = "the body is not acceptable JSON: \(error)"
        var extensions: [String: JSONValue] = [:]
        if let location = error.location {
            extensions["line"] = .number(Double(location.line))
            extensions["column"] = .number(Double(location.column))
        }
        switch error {
        case .raggedArray, .inconsistentNesting:
            // Well-formed JSON that a schema of nested number arrays admits, but no tensor.
            self = Problem(
                status: 422, slug: "ragged-tensor", title: "Cannot apply", detail: "the tensor is not rectangular: \(error)",
                extensions: extensions)
        case .documentTooLarge, .tooManyElements:
            self = Problem(status: 413, slug: "too-large", title: "Content too large", detail: detail, extensions: extensions)
        default:
            self = Problem(status: 400, slug: "invalid-json", title: "Bad request", detail: detail, extensions: extensions)
        }
    }

    init(neural error: NeuralNetError) {
        let detail = error.description
        switch error {
        case .invalidSpec(let location, _):
            self = .badRequest(detail, slug: "invalid-spec", path: location)
        case .invalidArgument(let location, _):
            self = .badRequest(detail, slug: "invalid-argument", path: location)
        case .limitExceeded(let location, _):
            self = .unprocessable(detail, slug: "limit-exceeded", path: location)
        case .unknownParameter(let path):
            // The path names the resource (…/parameters/{path}): one that does not exist is a 404.
            self = Problem(status: 404, slug: "unknown-parameter", title: "Not found", detail: detail, extensions: ["path": .string(path)])
        case .unknownModule(let path):
            self = .unprocessable(detail, slug: "unknown-module", path: path)
        case .noMatch(let location, _):
            self = .unprocessable(detail, slug: "no-match", path: location)
        case .notMaterialized(let path):
            self = .unprocessable(detail, slug: "not-materialized", path: path)
        case .shapeMismatch(let path, let expected, let got):
            self = .unprocessable(detail, slug: "shape-mismatch", path: path, expected: expected, actual: got)
        case .indexOutOfRange(let path, _, let shape):
            self = .unprocessable(detail, slug: "index-out-of-range", path: path, expected: shape)
        case .incompatibleInput:
            self = .unprocessable(detail, slug: "incompatible-input")
        case .initializerNotApplicable(let path, _, _):
            self = .unprocessable(detail, slug: "initializer-not-applicable", path: path)
        }
    }
}
