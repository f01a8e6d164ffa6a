extension StoredModel {
    /// This model with `commit` applied: its version, its document if the commit has one, and
    /// each updated tensor replaced by the update's values (new paths go last). The caller has
    /// checked `commit.expectedVersion`.
    public mutating func apply(_ commit: ModelCommit) {
        for update in commit.tensors {
            let tensor = StoredTensor(path: update.path, shape: update.shape, values: update.values)
            if let index = tensors.firstIndex(where: { $0.path == update.path }) {
                tensors[index] = tensor
            } else {
                tensors.append(tensor)
            }
        }
        version = commit.version
        if let document = commit.document { self.document = document }
    }
}
