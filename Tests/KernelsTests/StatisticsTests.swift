import Foundation
import Testing

@testable import Kernels

/// Statistics and pooling against numpy, on the cases Tests/Fixtures/make_statistics_fixtures.py
/// recorded (its docstring states the histogram rules: numpy's edges, last bin closed, a
/// constant tensor's range c ± 0.5, an empty tensor's [0, 1]).
struct StatisticsTests {
    struct HistogramCase: Decodable {
        let name: String
        let values: [Double]
        let bins: Int
        let error: String?
        let edges: [Double]?
        let counts: [Int]?
        let count: Int?
        let mean: Double?
        let std: Double?
        let min: Double?
        let max: Double?
        let norm: Double?
        let zero_fraction: Double?
    }

    struct PooledCase: Decodable {
        let name: String
        let rows: Int
        let cols: Int
        let max_rows: Int
        let max_cols: Int
        let values: [Double]
        let cells: [Double]
        let cell_rows: Int
        let cell_cols: Int
    }

    struct Reference: Decodable {
        let histograms: [HistogramCase]
        let pooled: [PooledCase]
    }

    static let reference: Reference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/statistics/statistics.json")
        // A missing or malformed fixture is a broken checkout: fail loudly.
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    static func computed(_ reference: HistogramCase) throws(StatisticsError) -> TensorStatistics {
        let values = reference.values.map(Float.init)
        return try values.withUnsafeBufferPointer { buffer throws(StatisticsError) in
            try statistics(of: buffer, bins: reference.bins)
        }
    }

    @Test(arguments: reference.histograms.filter { $0.error == nil }.map(\.name))
    func matchesNumpy(_ name: String) throws {
        let expected = Self.reference.histograms.first { $0.name == name }!
        let got = try Self.computed(expected)
        #expect(got.histogram.edges == expected.edges!.map(Float.init), "edges bit for bit")
        #expect(got.histogram.counts == expected.counts!)
        #expect(got.count == expected.count!)
        #expect(got.min.map(Double.init) == expected.min)
        #expect(got.max.map(Double.init) == expected.max)
        #expect(got.zeroFraction == expected.zero_fraction)
        #expect(Self.close(got.mean, expected.mean))
        #expect(Self.close(got.standardDeviation, expected.std))
        #expect(Self.close(got.norm, expected.norm))
    }

    @Test func refusesTooManyBinsForTheRangeAsNumpyDoes() throws {
        let cases = Self.reference.histograms.filter { $0.error != nil }
        #expect(!cases.isEmpty)
        for expected in cases {
            #expect(throws: StatisticsError.self) { try Self.computed(expected) }
        }
    }

    @Test func aConstantTensorIsOneBarAtItsValue() throws {
        let values = [Float](repeating: 42, count: 8)
        let got = try values.withUnsafeBufferPointer { buffer throws(StatisticsError) in try statistics(of: buffer, bins: 64) }
        let bars = got.histogram.counts.enumerated().filter { $0.element > 0 }
        #expect(bars.count == 1)
        let bar = bars[0].offset
        #expect(got.histogram.edges[bar] <= 42 && 42 < got.histogram.edges[bar + 1])
        #expect(got.standardDeviation == 0)
    }

    @Test(arguments: reference.pooled.map(\.name))
    func poolsLikeTheReference(_ name: String) {
        let expected = Self.reference.pooled.first { $0.name == name }!
        let values = expected.values.map(Float.init)
        let got = values.withUnsafeBufferPointer {
            poolMeans($0, rows: expected.rows, columns: expected.cols, maxRows: expected.max_rows, maxColumns: expected.max_cols)
        }
        #expect(got.rows == expected.cell_rows && got.columns == expected.cell_cols)
        #expect(got.values.count == expected.cells.count)
        for (cell, want) in zip(got.values, expected.cells) {
            #expect(isClose(cell, Float(want), ulps: 2, absolute: 1e-7))
        }
        #expect(got.min == got.values.min() && got.max == got.values.max())
    }

    @Test func poolingAnEmptyMatrixGivesNoCells() {
        let got = [Float]().withUnsafeBufferPointer { poolMeans($0, rows: 0, columns: 5, maxRows: 4, maxColumns: 4) }
        #expect(got.values.isEmpty && got.min == nil && got.rows == 0)
    }

    /// Within float32 rounding of the float64 reference (sums differ in order only).
    static func close(_ got: Double?, _ expected: Double?) -> Bool {
        guard let got, let expected else { return got == nil && expected == nil }
        return abs(got - expected) <= 1e-9 * Swift.max(1, abs(expected))
    }
}
