public import JSON

/// An RFC 9457 problem: what went wrong, as a status and a sentence a person can act on.
///
/// Every error that reaches a client becomes one of these in one place, ``Problem/init(_:)``
/// (`Problem+Mapping.swift`, with `Problem+Store.swift` and `Problem+Domain.swift`): model code
/// throws errors that say what happened (`ModelError`, ``ModelStoreError``, `TrainingError`,
/// NeuralNet's errors) and only that mapping gives them a status. Request decoding throws a
/// `Problem` built by the constructors below (400, 404, 415, 422); handlers never build
/// responses for errors themselves.
public struct Problem: Error, Sendable, Equatable {
    /// The HTTP status, 400–599.
    public var status: Int
    /// The last segment of the `type` URI: `https://paramd.dev/problems/<slug>`.
    public var slug: String
    /// A short, fixed summary of the kind of problem (the same for every occurrence).
    public var title: String
    /// This occurrence, e.g. "input has 5 features but layer 0 (linear) expects 4".
    public var detail: String
    /// Extension members such as `path`, `expected_shape`, `actual_shape`, `errors`.
    public var extensions: [String: JSONValue]
    /// Headers the status calls for (`WWW-Authenticate` with 401, `Allow` with 405, `ETag` with 412).
    public var headers: [(name: String, value: String)]

    public init(
        status: Int, slug: String, title: String, detail: String,
        extensions: [String: JSONValue] = [:], headers: [(name: String, value: String)] = []
    ) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.extensions = extensions
        self.headers = headers
    }

    public static func == (lhs: Problem, rhs: Problem) -> Bool {
        lhs.status == rhs.status && lhs.slug == rhs.slug && lhs.title == rhs.title && lhs.detail == rhs.detail
            && lhs.extensions == rhs.extensions && lhs.headers.elementsEqual(rhs.headers, by: { $0 == $1 })
    }

    /// The `type` member.
    public var type: String { "https://paramd.dev/problems/" + slug }

    /// The problem document for a request to `instance` (the request path).
    public func document(instance: String) -> JSONValue {
        var members = extensions
        members["type"] = .string(type)
        members["title"] = .string(title)
        members["status"] = .number(Double(status))
        members["detail"] = .string(detail)
        members["instance"] = .string(instance)
        return .object(members)
    }
}

extension Problem {
    /// 400: the request does not match the API (syntax, types, unknown members, patterns).
    public static func badRequest(_ detail: String, slug: String = "bad-request", path: String? = nil) -> Problem {
        Problem(
            status: 400, slug: slug, title: "Bad request", detail: detail,
            extensions: path.map { ["path": .string($0)] } ?? [:])
    }

    /// 404: no such model (or route).
    public static func notFound(_ detail: String, slug: String = "not-found") -> Problem {
        Problem(status: 404, slug: slug, title: "Not found", detail: detail)
    }

    /// 422: well-formed, but it cannot apply to this model.
    public static func unprocessable(
        _ detail: String, slug: String = "unprocessable", path: String? = nil,
        expected: [Int]? = nil, actual: [Int]? = nil
    ) -> Problem {
        var extensions: [String: JSONValue] = [:]
        if let path { extensions["path"] = .string(path) }
        if let expected { extensions["expected_shape"] = .array(expected.map { .number(Double($0)) }) }
        if let actual { extensions["actual_shape"] = .array(actual.map { .number(Double($0)) }) }
        return Problem(status: 422, slug: slug, title: "Cannot apply", detail: detail, extensions: extensions)
    }

    /// 415: a body of a media type the route does not take.
    public static func unsupportedMediaType(_ contentType: String?, accepted: [String]) -> Problem {
        let got = contentType.map { "Content-Type \($0)" } ?? "no Content-Type"
        return Problem(
            status: 415, slug: "unsupported-media-type", title: "Unsupported media type",
            detail: "this route takes \(accepted.joined(separator: " or ")), got \(got)")
    }
}
