/// The elements an edit of a few elements writes, as one run of a tensor's row-major storage:
/// where it starts and the values from there on (elements between the ones written keep their
/// values). What a commit log stores for a small edit, and what is written into the tensor once
/// that record is durable.
public struct ParameterRun: Sendable, Equatable {
    /// The offset of the first element.
    public let start: Int
    /// The run's elements after the edit.
    public let values: [Float]

    public init(start: Int, values: [Float]) {
        self.start = start
        self.values = values
    }

    /// The offsets the run covers.
    public var range: Range<Int> { start..<(start + values.count) }
}

extension Model {
    /// What `edits` would write into the parameter at `path`, as one run, computed without
    /// copying the tensor (the model is unchanged); nil when an edit is not a `setElement` or a
    /// `setSlice` (it reads or writes every element: a copy costs no more than the edit) or the
    /// path names a buffer. Checks what ``edit(_:_:)`` checks and throws the same errors.
    public func run(_ path: String, _ edits: [ParameterEdit]) throws -> ParameterRun? {
        guard index.bufferByPath[path] == nil else { return nil }
        let id = try parameterID(path)
        guard let tensor = store.values[id] else { throw NeuralNetError.notMaterialized(path: path) }
        var writes: [(offsets: [Int], operand: EditOperand)] = []
        for edit in edits {
            switch edit {
            case .setElement(let index, let value):
                writes.append(([try Self.offset(of: index, in: tensor.shape, path: path)], .scalar(value)))
            case .setSlice(let slice, let operand):
                let (ranges, shape) = try slice.resolve(in: tensor.shape, path: path)
                if case .tensor(let value) = operand, value.shape != shape {
                    throw NeuralNetError.shapeMismatch(path: "\(path)[\(slice)]", expected: shape, got: value.shape)
                }
                var offsets: [Int] = []
                Tensor.forEachOffset(of: ranges, in: tensor.shape) { offsets.append($0) }
                writes.append((offsets, operand))
            case .replace, .add, .multiply, .fill:
                return nil
            }
        }
        // Offsets grow in row-major order within each write, so each one's first and last bound it.
        let touched = writes.filter { !$0.offsets.isEmpty }
        guard let start = touched.map({ $0.offsets[0] }).min(), let end = touched.map({ $0.offsets[$0.offsets.count - 1] }).max()
        else { return ParameterRun(start: 0, values: []) }
        var values = Array(tensor.scalars[start...end])
        for write in touched {
            for (k, offset) in write.offsets.enumerated() {
                switch write.operand {
                case .scalar(let value): values[offset - start] = value
                case .tensor(let value): values[offset - start] = value.scalars[k]
                }
            }
        }
        return ParameterRun(start: start, values: values)
    }

    /// Writes `run` into the parameter at `path`: in place when this model is the only holder
    /// of the tensor's storage, else into a copy (copy-on-write), so a snapshot that shares it
    /// keeps its values.
    /// - Throws: `unknownParameter`, `notMaterialized`, `indexOutOfRange` when the run does not
    ///   fit; the model is unchanged when it throws.
    public mutating func write(_ run: ParameterRun, at path: String) throws {
        let id = try parameterID(path)
        guard let count = store.values[id]?.count else { throw NeuralNetError.notMaterialized(path: path) }
        guard run.start >= 0, run.start + run.values.count <= count else {
            throw NeuralNetError.indexOutOfRange(path: path, index: "\(run.range)", shape: store.values[id]?.shape ?? [])
        }
        // Through the dictionary's own storage: a copy of the tensor taken out of it would
        // share the array and force the copy this avoids.
        store.values[id]?.withUnsafeMutableScalars { scalars in
            run.values.withUnsafeBufferPointer { source in
                _ = UnsafeMutableBufferPointer(rebasing: scalars[run.range]).initialize(fromContentsOf: source)
            }
        }
    }

    /// Whether ``write(_:at:)`` of the parameter at `path` would write in place: this model
    /// holds the only reference to the tensor's storage. Makes this model's table of tensors its
    /// own first (a copy of references, not of tensors), so what is checked is the storage itself.
    public mutating func holdsOnlyReference(to path: String) -> Bool {
        guard let id = try? parameterID(path), store.values[id] != nil else { return false }
        return store.values[id]!.hasUniqueStorage()
    }

    /// The row-major offset of `index` (every dimension, negative from the end) in `shape`.
    static func offset(of index: [Int], in shape: [Int], path: String) throws -> Int {
        let text = "[" + index.map(String.init).joined(separator: ", ") + "]"
        guard index.count == shape.count else { throw NeuralNetError.indexOutOfRange(path: path, index: text, shape: shape) }
        var offset = 0
        for (d, raw) in index.enumerated() {
            let i = raw < 0 ? raw + shape[d] : raw
            guard i >= 0, i < shape[d] else { throw NeuralNetError.indexOutOfRange(path: path, index: text, shape: shape) }
            offset = offset * shape[d] + i
        }
        return offset
    }
}

extension Array where Element == Float {
    /// Whether no other array shares this one's storage: what copy-on-write checks before a
    /// write, asked without writing (and so without the copy a shared one would get). The
    /// standard library keeps that check internal; on this platform an array is exactly one
    /// strong reference to a native Swift object (the precondition makes sure of the size), and
    /// the uniqueness check reads only the reference count every native object has, so the
    /// reference is viewed as one to a class of ours for it.
    mutating func hasUniqueStorage() -> Bool {
        precondition(MemoryLayout<[Float]>.size == MemoryLayout<StorageObject>.size, "an array is one reference to its storage")
        return withUnsafeMutablePointer(to: &self) { array in
            array.withMemoryRebound(to: StorageObject.self, capacity: 1) { isKnownUniquelyReferenced(&$0.pointee) }
        }
    }
}

/// Any native object, as ``Swift/Array/hasUniqueStorage()`` views an array's storage (`AnyObject`
/// would not do: in Swift 6 mode its check does not see a native object as unique).
private final class StorageObject {}
