extension StoredModel {
    /// This model with `commit` applied: its version, its document if the commit has one, and
    /// each updated tensor replaced by the update's values (new paths go last) or its run
    /// written into it. The caller has checked `commit.expectedVersion`.
    public mutating func apply(_ commit: ModelCommit) {
        for update in commit.tensors {
            let index = tensors.firstIndex { $0.path == update.path }
            guard let values = update.values else {
                // A run of a tensor this model holds with that shape (the commit's maker saw it).
                guard let index else { continue }
                tensors[index].values.replaceSubrange(update.range, with: update.elements)
                continue
            }
            let tensor = StoredTensor(path: update.path, shape: update.shape, values: values)
            if let index {
                tensors[index] = tensor
            } else {
                tensors.append(tensor)
            }
        }
        version = commit.version
        if let document = commit.document { self.document = document }
    }
}
