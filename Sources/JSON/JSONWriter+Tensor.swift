extension JSONWriter {
    /// Writes row-major `values` as arrays nested by `shape` (`[]` writes one bare number).
    ///
    /// - Precondition: the product of `shape` equals `values.count`.
    /// - Complexity: O(n); one formatting call per element, no allocation per element.
    public mutating func write(tensor values: UnsafeBufferPointer<Float>, shape: [Int]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        beginValue()
        guard !shape.isEmpty else {
            appendFloat(values[0])
            return
        }
        appendNested(values, shape: shape[...])
    }

    /// Writes a tensor; see ``write(tensor:shape:)``.
    public mutating func write(tensor: JSONFloatTensor) {
        tensor.values.withUnsafeBufferPointer { write(tensor: $0, shape: tensor.shape) }
    }

    /// Writes row-major `values` nested by `shape`.
    public mutating func write(tensor values: [Float], shape: [Int]) {
        values.withUnsafeBufferPointer { write(tensor: $0, shape: shape) }
    }

    private mutating func appendNested(_ values: UnsafeBufferPointer<Float>, shape: ArraySlice<Int>) {
        bytes.append(UInt8(ascii: "["))
        let count = shape.first!
        if shape.count == 1 {
            for index in 0..<count {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendFloat(values[index])
            }
        } else {
            let stride = values.count / max(count, 1)
            for index in 0..<count {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                let row = UnsafeBufferPointer(rebasing: values[index * stride..<(index + 1) * stride])
                appendNested(row, shape: shape.dropFirst())
            }
        }
        bytes.append(UInt8(ascii: "]"))
    }
}

extension JSONFloatTensor {
    /// Whether every element is finite; the writer turns NaN and infinities into `null`.
    public var isFinite: Bool { values.allSatisfy(\.isFinite) }

    /// This tensor as nested JSON arrays.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter(reservingCapacity: values.count * 12 + 16)
        writer.write(tensor: self)
        return writer.bytes
    }
}
