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

    /// Writes the nested arrays straight into the buffer's new tail: one bound check and one
    /// resize for the whole tensor, instead of an append per number.
    private mutating func appendNested(_ values: UnsafeBufferPointer<Float>, shape: ArraySlice<Int>) {
        // Every element takes at most maxLength bytes and a comma; every array two brackets
        // and a comma. Arrays: 1 + d₀ + d₀d₁ + … over all but the innermost level.
        var arrays = 1
        var product = 1
        for dimension in shape.dropLast() {
            product *= dimension
            arrays += product
        }
        let bound = values.count * (ShortestFloat.maxLength + 1) + arrays * 3
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: bound))
        let written = bytes.withUnsafeMutableBytes { buffer in
            Self.writeNested(values, shape: shape, to: buffer.baseAddress! + start) - (buffer.baseAddress! + start)
        }
        bytes.removeSubrange((start + written)...)
    }

    private static func writeNested(
        _ values: UnsafeBufferPointer<Float>, shape: ArraySlice<Int>, to start: UnsafeMutableRawPointer
    ) -> UnsafeMutableRawPointer {
        var cursor = start
        cursor.storeBytes(of: UInt8(ascii: "["), as: UInt8.self)
        cursor += 1
        let count = shape.first!
        if shape.count == 1 {
            for index in 0..<count {
                if index > 0 {
                    cursor.storeBytes(of: UInt8(ascii: ","), as: UInt8.self)
                    cursor += 1
                }
                let value = values[index]
                if value.isFinite {
                    cursor += ShortestFloat.format(value, to: cursor)
                } else {
                    for byte in "null".utf8 {
                        cursor.storeBytes(of: byte, as: UInt8.self)
                        cursor += 1
                    }
                }
            }
        } else {
            let stride = values.count / max(count, 1)
            for index in 0..<count {
                if index > 0 {
                    cursor.storeBytes(of: UInt8(ascii: ","), as: UInt8.self)
                    cursor += 1
                }
                let row = UnsafeBufferPointer(rebasing: values[index * stride..<(index + 1) * stride])
                cursor = writeNested(row, shape: shape.dropFirst(), to: cursor)
            }
        }
        cursor.storeBytes(of: UInt8(ascii: "]"), as: UInt8.self)
        return cursor + 1
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
