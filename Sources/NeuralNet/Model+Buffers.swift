extension Model {
    /// The buffers under the module at `prefix` ("" = the whole model) in PyTorch
    /// `named_buffers` order (running_mean, running_var, num_batches_tracked, layer by layer),
    /// a tied one once under its first path. `prefix` may also name a single buffer.
    /// - Throws: `unknownModule` when `prefix` names neither a module nor a buffer.
    public func namedBuffers(prefix: String = "") throws -> [NamedParameter] {
        if index.moduleByPath[prefix] == nil {
            guard index.bufferByPath[prefix] != nil else { throw NeuralNetError.unknownModule(path: prefix) }
            return [try buffer(prefix)]
        }
        var result: [NamedParameter] = []
        for entry in index.bufferEntries {
            let paths = index.allBufferPaths(entry.id)
            guard let first = paths.first(where: { Self.isPath($0, under: prefix) }), let value = store.buffers[entry.id] else { continue }
            result.append(namedBuffer(entry, path: first, value: value))
        }
        return result
    }

    /// The buffer at `path` (its first path or any alias).
    /// - Throws: `unknownParameter`, or `notMaterialized` while its layer waits for its width.
    public func buffer(_ path: String) throws -> NamedParameter {
        guard let id = index.bufferByPath[path] else { throw NeuralNetError.unknownParameter(path: path) }
        guard let value = store.buffers[id] else { throw NeuralNetError.notMaterialized(path: path) }
        let entry = index.bufferEntry(id)
        return namedBuffer(entry, path: entry.path, value: value)
    }

    /// Whether `path` names a buffer rather than a parameter.
    public func isBufferPath(_ path: String) -> Bool { index.bufferByPath[path] != nil }

    /// Every materialized buffer keyed by its first path, for storage.
    public var buffersByPath: [String: Tensor] {
        var result: [String: Tensor] = [:]
        for entry in index.bufferEntries { if let v = store.buffers[entry.id] { result[entry.path] = v } }
        return result
    }

    /// The dtype of the buffer `id`.
    func bufferDType(_ id: ParameterID) -> TensorDType {
        let entry = index.bufferEntry(id)
        return layers[entry.layer].buffers[entry.ordinal].dtype
    }

    func namedBuffer(_ entry: ParameterEntry, path: String, value: Tensor) -> NamedParameter {
        var named = NamedParameter(
            path: path, aliases: index.allBufferPaths(entry.id).filter { $0 != path }, id: entry.id, role: .weight, value: value,
            gradient: nil)
        named.isBuffer = true
        named.dtype = bufferDType(entry.id)
        return named
    }
}
