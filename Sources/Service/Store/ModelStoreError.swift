/// Why a ``ModelStore`` call failed. Every case leaves what was stored before whole.
///
/// No HTTP here: `Problem+Store.swift` maps these to statuses (404, 409, 507, 503, 500).
public enum ModelStoreError: Error, Sendable, Equatable {
    /// No model of that name is stored.
    case notFound(model: String)
    /// A create found the name taken.
    case alreadyExists(model: String)
    /// The stored version is not the one a commit or delete expected: someone else wrote it.
    case versionConflict(model: String, expected: Int, found: Int)
    /// The medium has no room (ENOSPC, a quota, a database out of space). Retrying after space
    /// is freed can succeed.
    case full(String)
    /// The medium failed (EIO, a failed fsync, a lost connection, a permission).
    case failure(String)
    /// A shared store (PostgreSQL) cannot be reached right now: nothing was stored; the same
    /// write may succeed once it is back (the service answers 503 with Retry-After).
    case unavailable(String)
    /// The stored model cannot be trusted (bad checksum, unreadable document…); left in place
    /// for inspection.
    case damaged(model: String, reason: String)

    /// Whether the medium, not the request, is at fault: the write may succeed later.
    public var isInsufficientStorage: Bool {
        switch self {
        case .full, .failure: true
        case .notFound, .alreadyExists, .versionConflict, .damaged, .unavailable: false
        }
    }
}

extension ModelStoreError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notFound(let model): "no model named \(model.debugDescription) is stored"
        case .alreadyExists(let model): "a model named \(model.debugDescription) is already stored"
        case .versionConflict(let model, let expected, let found):
            "the model \(model.debugDescription) is stored at version \(found), not \(expected): it was changed elsewhere"
        case .full(let detail): detail
        case .failure(let detail): detail
        case .unavailable(let detail): detail
        case .damaged(let model, let reason): "the stored model \(model.debugDescription) is damaged: \(reason)"
        }
    }
}
