import HTTP

/// The fields of a model's JSON answers at its current version (Content-Type and ETag), made
/// once per version rather than for every answer: building them cost a forward ~2k instructions,
/// and fields that share storage with a connection's previous response are encoded with one copy
/// (the HTTP module's `EncodedFieldsCache`).
final class AnswerFields: Sendable {
    private let last = Locked<(version: Int, fields: HTTPHeaders)?>(nil)

    /// `Content-Type: application/json` and the ETag of `version`, as ``HTTPResponse/json(_:status:version:)`` sets them.
    func json(version: Int) -> HTTPHeaders {
        if let kept = last.withLock({ $0 }), kept.version == version { return kept.fields }
        let fields: HTTPHeaders = ["Content-Type": MediaType.json, "ETag": EntityTag.header(version: version)]
        last.withLock { $0 = (version, fields) }
        return fields
    }
}
