import CKernels

/// A histogram of equal-width bins: `edges` has one more element than `counts`.
public struct Histogram: Sendable, Equatable {
    /// Ascending float32 bin edges, exactly as `numpy.histogram(values, bins)` computes them.
    public let edges: [Float]
    /// Elements per bin: bin `b` holds `edges[b] <= x < edges[b+1]`; the last bin is closed and
    /// also holds `x == edges.last`.
    public let counts: [Int]
}

/// What the statistics of one tensor say about its values.
public struct TensorStatistics: Sendable, Equatable {
    public let count: Int
    /// Mean, population standard deviation (numpy's `std`, ddof 0), smallest and largest
    /// element; nil for an empty tensor.
    public let mean: Double?
    public let standardDeviation: Double?
    public let min: Float?
    public let max: Float?
    /// The L2 norm, √Σx² (0 for an empty tensor).
    public let norm: Double
    /// The fraction of elements equal to zero (−0 counts); nil for an empty tensor.
    public let zeroFraction: Double?
    public let histogram: Histogram
}

/// Why a histogram cannot be drawn as asked.
public enum StatisticsError: Error, Equatable, Sendable {
    /// `[min, max]` holds fewer than `bins + 1` distinct float32 edges (numpy raises "Too many
    /// bins for data range" for the same input).
    case tooManyBins(bins: Int, min: Float, max: Float)
}

/// Summary statistics and a histogram of `values`, in two passes over the memory: min, max,
/// Σx, Σx² and the zero count, then Σ(x − mean)² and the bin counts.
///
/// The histogram follows `numpy.histogram(values, bins)` for float32 input: edges are
/// `linspace(min, max, bins + 1)` in float32 arithmetic; a constant tensor (min == max) gets the
/// range `[c − 0.5, c + 0.5]`, so its elements fall in the middle bin; an empty one `[0, 1]` with
/// every count 0. Each element is placed by comparing it with the float32 edges, so counts equal
/// numpy's exactly. Sums run in double, so mean, std and norm match numpy's to float32 rounding.
/// Values are assumed finite (paramd stores nothing else).
/// - Precondition: `bins >= 1`.
/// - Complexity: O(count + bins).
public func statistics(of values: UnsafeBufferPointer<Float>, bins: Int) throws(StatisticsError) -> TensorStatistics {
    precondition(bins >= 1, "statistics: bins must be at least 1, got \(bins)")
    let count = values.count
    let moments = ck_moments_of(values.baseAddress, count)
    let edges = histogramEdges(min: count == 0 ? nil : moments.min, max: moments.max, bins: bins)
    for index in 0..<bins where !(edges[index] < edges[index + 1]) {
        throw .tooManyBins(bins: bins, min: moments.min, max: moments.max)
    }
    let mean = count == 0 ? 0 : moments.sum / Double(count)
    var counts = [Int64](repeating: 0, count: bins)
    let deviations = counts.withUnsafeMutableBufferPointer { counts in
        edges.withUnsafeBufferPointer { edges in
            ck_histogram(values.baseAddress, count, edges.baseAddress, bins, mean, counts.baseAddress)
        }
    }
    let isEmpty = count == 0
    return TensorStatistics(
        count: count,
        mean: isEmpty ? nil : mean,
        standardDeviation: isEmpty ? nil : (deviations / Double(count)).squareRoot(),
        min: isEmpty ? nil : moments.min,
        max: isEmpty ? nil : moments.max,
        norm: moments.sum_squares.squareRoot(),
        zeroFraction: isEmpty ? nil : Double(moments.zeros) / Double(count),
        histogram: Histogram(edges: edges, counts: counts.map(Int.init)))
}

/// numpy's `histogram_bin_edges` for float32 data with range `[min, max]` (nil: no data).
///
/// numpy computes `linspace` in the data's dtype: `step = (max − min) / bins`, then
/// `edge[i] = i·step + min`, each operation rounded to float32, and the last edge set to `max`.
/// A range too wide for float32 (max − min overflows) is computed in double and rounded, where
/// numpy would produce NaN edges.
func histogramEdges(min: Float?, max: Float, bins: Int) -> [Float] {
    guard var first = min else {
        // Empty data: numpy's integer range 0...1, computed in float64 and cast.
        return (0...bins).map { Float(Double($0) * (1.0 / Double(bins))) }
    }
    var last = max
    if first == last {
        first -= 0.5
        last += 0.5
    }
    let delta = last - first
    guard delta.isFinite else {
        let wide = Double(last) - Double(first)
        var edges = (0...bins).map { Float(Double(first) + Double($0) * wide / Double(bins)) }
        edges[bins] = last
        return edges
    }
    let step = delta / Float(bins)
    var edges = (0...bins).map { index -> Float in
        // numpy's special case for a step that underflows to zero (gh-5437).
        let offset = step == 0 ? (Float(index) / Float(bins)) * delta : Float(index) * step
        return offset + first
    }
    edges[bins] = last
    return edges
}
