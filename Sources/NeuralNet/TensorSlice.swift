/// A rectangular selection of a tensor, numpy style: per leading dimension either one index
/// (the dimension is dropped) or a half-open range (kept); dimensions not listed are whole.
///
/// Text form: `"0"`, `"0, 1"`, `"1:3"`, `":, 2"`, `"-1"`; negative numbers count from the end.
public struct TensorSlice: Sendable, Equatable, CustomStringConvertible {
    /// One dimension's selection.
    public enum Component: Sendable, Equatable {
        case index(Int)
        /// `start..<end`, either side optional (`nil` = the edge).
        case range(start: Int?, end: Int?)
    }

    public let components: [Component]

    public init(_ components: [Component]) { self.components = components }

    /// Parses the text form.
    /// - Throws: `invalidArgument` naming `location` for anything else.
    public init(parsing text: String, location: String = "slice") throws {
        guard text.utf8.count <= 256 else {
            throw NeuralNetError.invalidArgument(location: location, reason: "is longer than 256 characters")
        }
        var parsed: [Component] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let part = raw.trimmingCharacters()
            let bounds = part.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters() }
            func number(_ s: String) throws -> Int? {
                if s.isEmpty { return nil }
                guard s.count <= 19, let n = Int(s) else {
                    throw NeuralNetError.invalidArgument(
                        location: location, reason: "'\(text)' is not a slice: '\(s)' is not an integer (use forms like 0, 1:3, :, -1)")
                }
                return n
            }
            switch bounds.count {
            case 1:
                guard let i = try number(bounds[0]) else {
                    throw NeuralNetError.invalidArgument(location: location, reason: "'\(text)' has an empty component")
                }
                parsed.append(.index(i))
            case 2:
                parsed.append(.range(start: try number(bounds[0]), end: try number(bounds[1])))
            default:
                throw NeuralNetError.invalidArgument(location: location, reason: "'\(text)' is not a slice: steps are not supported")
            }
        }
        guard parsed.count <= 8 else {
            throw NeuralNetError.invalidArgument(location: location, reason: "'\(text)' has more than 8 components")
        }
        components = parsed
    }

    public var description: String {
        components.map {
            switch $0 {
            case .index(let i): String(i)
            case .range(let s, let e): (s.map(String.init) ?? "") + ":" + (e.map(String.init) ?? "")
            }
        }.joined(separator: ", ")
    }

    /// The concrete ranges this slice selects in `shape` and the shape of the result.
    /// - Throws: `indexOutOfRange` naming `path` when an index falls outside, or when there
    ///   are more components than dimensions.
    func resolve(in shape: [Int], path: String) throws -> (ranges: [Range<Int>], resultShape: [Int]) {
        guard components.count <= shape.count else {
            throw NeuralNetError.indexOutOfRange(path: path, index: "[\(description)]", shape: shape)
        }
        var ranges: [Range<Int>] = []
        var result: [Int] = []
        for (d, size) in shape.enumerated() {
            guard d < components.count else {
                ranges.append(0..<size)
                result.append(size)
                continue
            }
            switch components[d] {
            case .index(let raw):
                let i = raw < 0 ? raw + size : raw
                guard i >= 0, i < size else {
                    throw NeuralNetError.indexOutOfRange(path: path, index: "[\(description)]", shape: shape)
                }
                ranges.append(i..<(i + 1))
            case .range(let s, let e):
                // Python clamps slice bounds to the dimension instead of failing.
                func clamp(_ v: Int?, _ fallback: Int) -> Int {
                    guard let v else { return fallback }
                    return min(max(v < 0 ? v + size : v, 0), size)
                }
                let start = clamp(s, 0)
                let end = max(clamp(e, size), start)
                ranges.append(start..<end)
                result.append(end - start)
            }
        }
        return (ranges, result)
    }
}

extension Substring {
    /// The text without leading and trailing spaces (no Foundation needed).
    func trimmingCharacters() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

extension Tensor {
    /// Calls `body` with each flat offset a resolved slice covers, in row-major order,
    /// without materializing the list (a whole 10⁸-element tensor costs no extra memory).
    static func forEachOffset(of ranges: [Range<Int>], in shape: [Int], _ body: (Int) -> Void) {
        guard !ranges.isEmpty else { return body(0) }
        guard ranges.allSatisfy({ !$0.isEmpty }) else { return }
        var strides = [Int](repeating: 1, count: shape.count)
        for d in stride(from: shape.count - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
        var index = ranges.map(\.lowerBound)
        let last = ranges.count - 1
        while true {
            var base = 0
            for d in 0..<last { base += index[d] * strides[d] }
            for i in ranges[last] { body(base + i * strides[last]) }
            // Advance the odometer over all but the last dimension.
            var d = last - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < ranges[d].upperBound { break }
                index[d] = ranges[d].lowerBound
                d -= 1
            }
            if d < 0 { return }
        }
    }

    /// The elements `slice` selects, as a tensor of the slice's shape.
    /// - Throws: `indexOutOfRange` naming `path`.
    public func sliced(_ slice: TensorSlice, path: String = "tensor") throws -> Tensor {
        let (ranges, shape) = try slice.resolve(in: self.shape, path: path)
        var values: [Float] = []
        values.reserveCapacity(shape.reduce(1, *))
        Tensor.forEachOffset(of: ranges, in: self.shape) { values.append(scalars[$0]) }
        return Tensor(validShape: shape, scalars: values)
    }
}
