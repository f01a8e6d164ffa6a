import Foundation
import HTTP
import JSON
import Testing
@testable import Service

/// GET …/stats and …/heatmap in process (numpy agreement: Tests/KernelsTests/StatisticsTests
/// and Tests/python/test_stats.py).
struct StatsRoutesTests {
    @Test func statsDescribeTheValuesAndTheirHistogram() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight/stats?bins=8")
        #expect(response.status == 200, "\(response.text)")
        #expect(response.headers["ETag"] == "\"1\"")
        #expect(response["name"]?.string == "0.weight")
        #expect(response["grad"] == .null)
        let value = try #require(response["value"])
        #expect(value["count"]?.number == 32)
        let edges = value["histogram"]?["edges"]?.flatNumbers ?? []
        let counts = value["histogram"]?["counts"]?.flatNumbers ?? []
        #expect(edges.count == 9 && counts.count == 8)
        #expect(counts.reduce(0, +) == 32)
        #expect(edges.first == value["min"]?.number && edges.last == value["max"]?.number)
        let values = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight")["value"]?.flatNumbers ?? []
        let mean = values.reduce(0, +) / Double(values.count)
        #expect(abs((value["mean"]?.number ?? .nan) - mean) < 1e-6)
        let norm: Double = values.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(abs((value["norm"]?.number ?? .nan) - norm) < 1e-6)
    }

    @Test func aConstantParameterIsOneBarAtItsValue() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let initialized = try await harness.send(
            .post, "/v1/models/mlp/initialize", json: #"{"rules": [{"match": "0.weight", "init": {"name": "constant", "value": 42}}]}"#)
        #expect(initialized.status == 200)
        let value = try #require(try await harness.send(.get, "/v1/models/mlp/parameters/0.weight/stats")["value"])
        let counts = value["histogram"]?["counts"]?.flatNumbers ?? []
        let edges = value["histogram"]?["edges"]?.flatNumbers ?? []
        #expect(counts.count == 64, "the default is 64 bins")
        let bars = counts.indices.filter { counts[$0] > 0 }
        #expect(bars.count == 1)
        if let bar = bars.first { #expect(edges[bar] <= 42 && 42 < edges[bar + 1] && counts[bar] == 32) }
        #expect(value["std"]?.number == 0 && value["min"]?.number == 42 && value["zero_fraction"]?.number == 0)
    }

    @Test func gradientsSlicesAndAliasesApply() async throws {
        let harness = await ServiceHarness()
        try await harness.createTied()
        let sliced = try await harness.send(.get, "/v1/models/tied/parameters/4.weight/stats?slice=0:2&bins=4")
        #expect(sliced.status == 200, "\(sliced.text)")
        #expect(sliced["name"]?.string == "2.weight" && sliced["value"]?["count"]?.number == 16)
        #expect(sliced["shape"]?.flatNumbers == [2, 8])
        _ = try await harness.send(
            .post, "/v1/models/tied/backward", json: #"{"inputs": [[1, 2, 3, 4]], "targets": [[1]], "loss": "mse"}"#)
        let withGradient = try await harness.send(.get, "/v1/models/tied/parameters/6.weight/stats")
        #expect(withGradient["grad"]?["count"]?.number == 8)
    }

    @Test func heatmapPoolsToTheCellsAskedFor() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let values = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight")["value"]?.flatNumbers ?? []
        let response = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight/heatmap?rows=2&cols=2")
        #expect(response.status == 200, "\(response.text)")
        #expect(response["rows"]?.number == 2 && response["cols"]?.number == 2 && response["shape"]?.flatNumbers == [8, 4])
        let cells = response["cells"]?.flatNumbers ?? []
        // The 8×4 weight in 2×2 cells: each the mean of a 4×2 block.
        for (cell, (rows, columns)) in zip(cells, [(0..<4, 0..<2), (0..<4, 2..<4), (4..<8, 0..<2), (4..<8, 2..<4)]) {
            let block = rows.flatMap { r in columns.map { c in values[r * 4 + c] } }
            #expect(abs(cell - block.reduce(0, +) / 8) < 1e-6)
        }
        #expect(response["min"]?.number == cells.min() && response["max"]?.number == cells.max())
        let whole = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight/heatmap")
        #expect(whole["cells"]?.flatNumbers == values, "a matrix that fits is drawn cell for element")
    }

    @Test(arguments: [
        ("stats?bins=0", 400, "invalid-query"), ("stats?bins=1025", 400, "invalid-query"),
        ("stats?bins=100000", 400, "invalid-query"), ("stats?bins=-1", 400, "invalid-query"),
        ("stats?bins=ten", 400, "invalid-query"), ("stats?bins=99999999999999999999", 400, "invalid-query"),
        ("stats?slice=9", 422, "index-out-of-range"), ("stats?slice=a", 400, "invalid-slice"),
        ("heatmap?rows=-1", 400, "invalid-query"), ("heatmap?rows=0", 400, "invalid-query"),
        ("heatmap?cols=513", 400, "invalid-query"), ("heatmap?slice=0", 422, "not-a-matrix")
    ])
    func refusesHostileQueries(_ query: String, _ status: Int, _ slug: String) async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(.get, "/v1/models/mlp/parameters/0.weight/\(query)")
        #expect(response.status == status, "\(response.text)")
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(response.problemSlug == slug, "\(response.text)")
    }

    @Test func aHeatmapOfAVectorIsRefusedByName() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(.get, "/v1/models/mlp/parameters/0.bias/heatmap")
        #expect(response.status == 422 && response.problemSlug == "not-a-matrix")
        #expect(response["detail"]?.string?.contains("2-D") == true)
        let unknown = try await harness.send(.get, "/v1/models/mlp/parameters/9.weight/stats")
        #expect(unknown.status == 404 && unknown.problemSlug == "unknown-parameter")
        let noModel = try await harness.send(.get, "/v1/models/nope/parameters/0.weight/heatmap")
        #expect(noModel.status == 404)
    }

    @Test func aRangeTooNarrowForTheBinsIsA422() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        // 1 and the next float32 above it: no room for 64 distinct edges (numpy raises too).
        let put = try await harness.send(.put, "/v1/models/mlp/parameters/0.bias", json: #"{"value": [1, 1, 1, 1, 1, 1, 1, 1.0000001]}"#)
        #expect(put.status == 200)
        let response = try await harness.send(.get, "/v1/models/mlp/parameters/0.bias/stats")
        #expect(response.status == 422 && response.problemSlug == "too-many-bins", "\(response.text)")
        let one = try await harness.send(.get, "/v1/models/mlp/parameters/0.bias/stats?bins=1")
        #expect(one["value"]?["histogram"]?["counts"]?.flatNumbers == [8])
    }
}
