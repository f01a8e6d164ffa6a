extension Model {
    /// Applies `edits` in order to the parameter at `path` (or any alias), atomically: they
    /// run on a copy of the tensor, which replaces the stored one only if every edit succeeded.
    /// A tied parameter has one storage, so the change is seen through every alias.
    /// - Throws: `unknownParameter`, `notMaterialized`, `shapeMismatch` (naming both shapes),
    ///   `indexOutOfRange`; the model is unchanged when it throws.
    /// A buffer's path edits the buffer; an integer buffer (a step counter) must stay a
    /// non-negative integer.
    public mutating func edit(_ path: String, _ edits: [ParameterEdit]) throws {
        if let id = index.bufferByPath[path] {
            guard var t = store.buffers[id] else { throw NeuralNetError.notMaterialized(path: path) }
            for e in edits { try Self.apply(e, to: &t, path: path) }
            if bufferDType(id) == .int64, let bad = t.scalars.first(where: { $0 < 0 || $0 != $0.rounded(.towardZero) || $0 > 16_777_216 }) {
                throw NeuralNetError.invalidArgument(
                    location: path, reason: "is an int64 counter and must hold integers from 0 to 2^24, got \(bad)")
            }
            store.buffers[id] = t
            return
        }
        let id = try parameterID(path)
        guard var t = store.values[id] else { throw NeuralNetError.notMaterialized(path: path) }
        for e in edits { try Self.apply(e, to: &t, path: path) }
        store.values[id] = t
    }

    /// Replaces the value at `path`; the shape must match.
    public mutating func replace(_ path: String, with value: Tensor) throws {
        try edit(path, [.replace(value)])
    }

    static func apply(_ edit: ParameterEdit, to t: inout Tensor, path: String) throws {
        switch edit {
        case .replace(let v):
            guard v.shape == t.shape else { throw NeuralNetError.shapeMismatch(path: path, expected: t.shape, got: v.shape) }
            t = v
        case .setElement(let index, let value):
            let offset = try offset(of: index, in: t.shape, path: path)
            t.withUnsafeMutableScalars { $0[offset] = value }
        case .setSlice(let slice, let operand):
            let (ranges, shape) = try slice.resolve(in: t.shape, path: path)
            let full = t.shape
            switch operand {
            case .scalar(let v):
                t.withUnsafeMutableScalars { p in Tensor.forEachOffset(of: ranges, in: full) { p[$0] = v } }
            case .tensor(let v):
                guard v.shape == shape else {
                    throw NeuralNetError.shapeMismatch(path: "\(path)[\(slice)]", expected: shape, got: v.shape)
                }
                var k = 0
                t.withUnsafeMutableScalars { p in
                    Tensor.forEachOffset(of: ranges, in: full) { o in
                        p[o] = v.scalars[k]
                        k += 1
                    }
                }
            }
        case .add(let operand):
            try combine(&t, operand, path: path, +)
        case .multiply(let operand):
            try combine(&t, operand, path: path, *)
        case .fill(let v):
            t.withUnsafeMutableScalars { $0.update(repeating: v) }
        }
    }

    private static func combine(_ t: inout Tensor, _ operand: EditOperand, path: String, _ op: (Float, Float) -> Float) throws {
        switch operand {
        case .scalar(let v):
            t.withUnsafeMutableScalars { p in for i in p.indices { p[i] = op(p[i], v) } }
        case .tensor(let v):
            guard v.shape == t.shape else { throw NeuralNetError.shapeMismatch(path: path, expected: t.shape, got: v.shape) }
            t.withUnsafeMutableScalars { p in for i in p.indices { p[i] = op(p[i], v.scalars[i]) } }
        }
    }
}
