extension StoredModel {
    /// This model with `commit` applied: its version and document, and each tensor update
    /// replacing, adding or overwriting a run of elements (new paths go last). The caller has
    /// checked `commit.expectedVersion`.
    /// - Throws: `.damaged` when a partial update does not fit the stored tensor (a new path, a
    ///   shape that differs, elements outside it); the model is then unchanged.
    public mutating func apply(_ commit: ModelCommit) throws(ModelStoreError) {
        var tensors = self.tensors
        for update in commit.tensors {
            let index = tensors.firstIndex { $0.path == update.path }
            if update.isWhole {
                let tensor = StoredTensor(path: update.path, shape: update.shape, values: Array(update.elements))
                if let index { tensors[index] = tensor } else { tensors.append(tensor) }
                continue
            }
            guard let index, tensors[index].shape == update.shape, update.elements.endIndex <= tensors[index].values.count
            else {
                throw .damaged(model: name, reason: "version \(commit.version) changes elements of \(update.path) that are not stored")
            }
            tensors[index].values.replaceSubrange(update.elements.indices, with: update.elements)
        }
        self.tensors = tensors
        version = commit.version
        if let document = commit.document { self.document = document }
    }
}
