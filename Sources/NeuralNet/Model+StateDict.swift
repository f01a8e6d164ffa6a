extension Model {
    /// Every key of PyTorch's `state_dict()` of the equivalent module, in its order: module
    /// positions in declaration order, each module's parameters (weight before bias) then its
    /// buffers (running_mean, running_var, num_batches_tracked), a tied tensor under each of
    /// its names (so `load_state_dict(strict=True)` finds every key it expects).
    public var stateDictKeys: [(key: String, id: ParameterID)] {
        var keys: [(key: String, id: ParameterID)] = []
        func visit(_ node: ModuleNode, _ path: String) {
            let layer = layers[node.layer]
            for tensor in layer.parameters + layer.buffers { keys.append((ModelIndex.join(path, tensor.name), tensor.id)) }
            for child in node.children { visit(child, ModelIndex.join(path, child.name)) }
        }
        visit(root, "")
        return keys
    }

    /// Whether `key` names a parameter or buffer (under any of its names).
    public func hasStateDictKey(_ key: String) -> Bool { index.parameterByPath[key] != nil || index.bufferByPath[key] != nil }

    /// The dtype PyTorch keeps the state-dict entry `key` in (`int64` for `num_batches_tracked`).
    public func stateDictDType(_ key: String) -> TensorDType {
        guard let id = index.bufferByPath[key] else { return .float32 }
        return bufferDType(id)
    }

    /// The value of a parameter or buffer id.
    private func tensorValue(_ id: ParameterID) -> Tensor? { store.values[id] ?? store.buffers[id] }

    /// The state dict: every key of ``stateDictKeys`` with its value (tied values share storage).
    /// - Throws: `notMaterialized` naming the first parameter of a layer still waiting for its
    ///   input width.
    public func stateDict() throws -> [(key: String, value: Tensor)] {
        try stateDictKeys.map { key, id in
            guard let value = tensorValue(id) else { throw NeuralNetError.notMaterialized(path: key) }
            return (key, value)
        }
    }

    /// Replaces parameter values with those of a state dict, like PyTorch's `load_state_dict`.
    ///
    /// A key matches when it names a parameter and its value has the parameter's shape. A tied
    /// parameter is filled from any one of its names (`safetensors.torch.save_model` keeps only
    /// one); when several are given they must hold equal values. Strict: every parameter must be
    /// given and every key must match, or nothing changes. Not strict: the matching keys are
    /// applied and the rest reported. Gradients are kept, as PyTorch keeps `.grad`.
    /// - Parameters:
    ///   - tensors: values by key.
    ///   - unexpectedKeys: keys the caller already found unknown (``hasStateDictKey(_:)``) and
    ///     did not decode; reported with the unknown keys of `tensors`.
    /// - Throws: `notMaterialized` when a layer still waits for its input width;
    ///   ``StateDictMismatchError`` when strict and a key does not match.
    /// - Complexity: O(keys + elements of tied values given twice); values are not copied.
    @discardableResult
    public mutating func loadStateDict(
        _ tensors: [String: Tensor], unexpectedKeys: [String] = [], strict: Bool = true
    ) throws -> StateDictLoad {
        var load = StateDictLoad(unexpectedKeys: (unexpectedKeys + tensors.keys.filter { !hasStateDictKey($0) }).sorted())
        var chosen: [ParameterID: (key: String, value: Tensor)] = [:]
        var rejected: Set<ParameterID> = []
        var given: Set<ParameterID> = []
        for (key, id) in stateDictKeys {
            guard let current = tensorValue(id) else { throw NeuralNetError.notMaterialized(path: key) }
            guard let value = tensors[key] else { continue }
            given.insert(id)
            if value.shape != current.shape {
                load.mismatched.append(.shape(key: key, expected: current.shape, got: value.shape))
                rejected.insert(id)
            } else if let first = chosen[id] {
                if first.value != value {
                    load.mismatched.append(.tiedValues(key: key, tiedTo: first.key))
                    rejected.insert(id)
                }
            } else {
                chosen[id] = (key, value)
            }
        }
        load.missingKeys = stateDictKeys.filter { !given.contains($0.id) }.map(\.key)
        if strict && !load.isExact { throw StateDictMismatchError(load: load) }
        for (id, entry) in chosen where !rejected.contains(id) {
            if store.buffers[id] != nil { store.buffers[id] = entry.value } else { store.values[id] = entry.value }
        }
        load.loadedKeys = stateDictKeys.filter { tensors[$0.key] != nil && chosen[$0.id] != nil && !rejected.contains($0.id) }.map(\.key)
        return load
    }
}
