/// What went wrong with a model as the registry and its owner see it: each case says what
/// happened, and ``Problem/init(model:)`` (`Problem+Domain.swift`) alone decides what a client
/// is told.
enum ModelError: Error, Sendable, Equatable {
    /// No model has this name (never created, deleted, or a create still in progress).
    case unknown(name: String)
    /// A create named a model that exists (or is being created).
    case nameTaken(name: String)
    /// A create found the server holding its limit of models.
    case tooManyModels(limit: Int)
    /// The model is stored but could not be loaded, for `reason`.
    case damaged(name: String, reason: String)
    /// `If-Match` did not list the model's current version.
    case preconditionFailed(currentVersion: Int)
    /// A file export needs the value of `path`, whose layer does not know its input width yet.
    case notMaterialized(model: String, path: String)
}
