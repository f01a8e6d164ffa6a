extension Problem {
    /// The one mapping of store errors to statuses: 404 for a model the store does not hold, 409
    /// when its name is taken or another writer changed it, 507 when the medium refused (nothing
    /// changed; retry once there is room), 500 for a damaged model.
    init(store error: ModelStoreError) {
        switch error {
        case .notFound(let model):
            self = Problem(model: .unknown(name: model))
        case .alreadyExists(let model):
            self = Problem(model: .nameTaken(name: model))
        case .versionConflict:
            self = Problem(
                status: 409, slug: "changed-elsewhere", title: "Conflict",
                detail: "\(error); nothing was changed here, read the model again and retry")
        case .full, .failure:
            self = Problem(
                status: 507, slug: "storage-failure", title: "Insufficient storage",
                detail: "the change could not be made durable, so it was not applied: \(error)")
        case .unavailable:
            self = Problem(
                status: 503, slug: "store-unavailable", title: "Service unavailable",
                detail: "the model store cannot be reached, so the change was not made; reads still answer from the last "
                    + "snapshot. Retry shortly: \(error)",
                headers: [("Retry-After", "1")])
        case .damaged(let model, let reason):
            self = Problem(model: .damaged(name: model, reason: reason))
        }
    }
}
