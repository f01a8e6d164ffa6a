import CKernels

extension JSONScanner {
    /// Decodes a number or a nested array of numbers at `position` straight into a flat
    /// Float32 buffer and its shape, without building a ``JSONValue`` per element.
    ///
    /// One pass, no recursion. The rank is fixed by the first number (or the first empty
    /// array) met; each dimension's size by the first sub-array that closes at that depth;
    /// every later sub-array must match, or the error names its index.
    ///
    /// - Complexity: O(n) in the bytes of the array; numbers are appended in blocks.
    /// - Parameter fastPath: which number parser the innermost rows use; all give the same
    ///   values and errors, and tests compare them (``TensorFastPath``).
    mutating func scanFloatTensor(
        maxDepth: Int, depth: Int, maxElements: Int, fastPath: TensorFastPath = .vector
    ) throws(JSONError) -> JSONFloatTensor {
        let first = try peekByte()
        if first != UInt8(ascii: "[") {
            return JSONFloatTensor(shape: [], values: [try scanTensorElement(index: [])])
        }
        guard depth < maxDepth else { throw .tooDeep(limit: maxDepth, location(position)) }
        position += 1
        // Numbers are parsed into blocks (one capacity check per block instead of per number),
        // copied into one array at the end.
        let blocks = FloatBlocks()
        var pending = blocks.current
        var pendingCount = 0
        let parser = fastPath == .general ? nil : FastFloatParser(bytes, rowKernel: fastPath.rowKernel)
        // index[k]: how many elements of the open array at depth k are complete, which is
        // also the index of the element in progress.
        var index: [Int] = []
        // shape[k]: size fixed by the first array closed at depth k, or -1 before that.
        var shape: [Int] = []
        // Tensors here have a few dimensions: room for them without growing as depth rises
        // (reserved before the first element: `[0]` then a reserve allocated twice).
        index.reserveCapacity(8)
        shape.reserveCapacity(8)
        index.append(0)
        shape.append(-1)
        var rank = -1
        var level = 0

        while true {
            var byte = try peekByte()
            if index[level] != 0 {
                // After an element: a comma and the next element, or the end of this array.
                if byte == UInt8(ascii: ",") {
                    position += 1
                    byte = try peekByte()
                    if byte == UInt8(ascii: "]") { throw .trailingComma(location(position)) }
                } else if byte != UInt8(ascii: "]") {
                    throw unexpected(.commaOrArrayEnd)
                }
            }
            if byte == UInt8(ascii: "]") {
                let count = index[level]
                if rank < 0 { rank = level + 1 }  // `[]` or `[[]]`: the empty array is innermost
                if shape[level] < 0 {
                    shape[level] = count
                } else if shape[level] != count {
                    throw .raggedArray(
                        index: Array(index[..<level]), expected: shape[level], found: count, location(position))
                }
                position += 1
                if level == 0 { break }
                index.removeLast()
                level -= 1
                index[level] += 1
            } else if byte == UInt8(ascii: "[") {
                guard rank < 0 || level + 1 < rank else {
                    throw .inconsistentNesting(index: Array(index[...level]), location(position))
                }
                guard depth + level + 1 < maxDepth else { throw .tooDeep(limit: maxDepth, location(position)) }
                position += 1
                level += 1
                index.append(0)
                if shape.count == level { shape.append(-1) }
            } else {
                if rank < 0 {
                    rank = level + 1
                } else if level + 1 != rank {
                    throw .inconsistentNesting(index: Array(index[...level]), location(position))
                }
                // The innermost level: numbers and commas in a tight loop, until something
                // else (`]`, an error) hands control back to the general loop above.
                var count = index[level]
                while true {
                    // Room left in the block, or up to one past the element limit (that one
                    // throws below, at its end); `+ 1` only on a small number: no overflow.
                    let free = blocks.capacity - pendingCount
                    let remaining = maxElements - blocks.stored - pendingCount
                    let room = remaining < free ? remaining + 1 : free
                    let stop: FastFloatParser.RowStop
                    if let parser {
                        let row = parser.parseRow(
                            from: &position, into: pending + pendingCount, capacity: room,
                            usesVectorKernel: fastPath != .swift)
                        pendingCount += row.written
                        count += row.written
                        stop = row.stop
                    } else {
                        stop = .refused
                    }
                    if stop == .refused {
                        index[level] = count
                        pending[pendingCount] = try scanTensorElement(index: index)
                        pendingCount += 1
                        count += 1
                    }
                    guard blocks.stored + pendingCount <= maxElements else {
                        throw .tooManyElements(limit: maxElements, location(position))
                    }
                    if pendingCount == blocks.capacity {
                        blocks.startBlock()
                        pending = blocks.current
                        pendingCount = 0
                    }
                    guard stop != .end, let next = parser?.nextNumberStart(after: position) else { break }
                    position = next
                }
                index[level] = count
            }
        }
        blocks.filled = pendingCount
        return JSONFloatTensor(shape: Array(shape[..<rank]), values: blocks.array())
    }

    /// Scans one element; `index` (the path to it) is only used to name it in errors.
    @inline(__always)
    private mutating func scanTensorElement(index: [Int]) throws(JSONError) -> Float {
        let start = position
        let byte = bytes[position]
        guard Self.isNumberStart(byte) else {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                throw .notANumber(index: index, location(start))
            default:
                throw unexpected(.number)
            }
        }
        guard let value = floatValue(try scanNumber()) else {
            throw .elementOutOfRange(index: index, location(start))
        }
        return value
    }
}

/// The number parsers of a tensor's innermost rows, fastest first. Only `.vector` is used
/// outside tests; the others exist so tests can check that all three agree bit for bit and
/// error for error.
enum TensorFastPath {
    /// The C row kernel in its best build for this CPU (x86-64), then ``FastFloatParser``
    /// for the shapes it refuses.
    case vector
    /// The same with the kernel's AVX2 build on CPUs whose best is the AVX-512 one (elsewhere
    /// the detected build, as ``vector``).
    case avx2Vector
    /// The same with the kernel's SSE2 build, whatever the CPU.
    case baselineVector
    /// The same with the kernel's SSSE3 build (the 16-byte kernel that the AVX2 build hands
    /// single numbers to), on CPUs with SSSE3.
    case ssse3Vector
    /// ``FastFloatParser`` alone.
    case swift
    /// Neither: every number through ``JSONScanner/scanNumber()`` and the general loop.
    case general
}

extension TensorFastPath {
    /// The kernel build this path forces, or nil for the detected one (or none).
    var rowKernel: ck_json_row_isa? {
        switch self {
        case .baselineVector: CK_JSON_ROW_SSE2
        case .avx2Vector: FastFloatTables.shared.rowKernel == CK_JSON_ROW_AVX512 ? CK_JSON_ROW_AVX2 : nil
        case .ssse3Vector: FastFloatTables.shared.rowKernel == CK_JSON_ROW_SSE2 ? CK_JSON_ROW_SSE2 : CK_JSON_ROW_SSSE3
        case .vector, .swift, .general: nil
        }
    }
}
