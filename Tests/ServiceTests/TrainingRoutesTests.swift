import Foundation
import HTTP
import JSON
import Testing
@testable import Service

struct TrainingRoutesTests {
    static let batch = #""inputs": [[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]], "targets": [[1.0], [0.0]]"#

    @Test func backwardReturnsTheLossAndKeepsGradientsAccumulating() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let first = try await harness.send(.post, "/v1/models/mlp/backward", json: #"{\#(Self.batch), "loss": "mse"}"#)
        #expect(first.status == 200, "\(first.text)")
        #expect(first["loss"]?.number != nil)
        #expect(first.headers["ETag"] == "\"1\"")
        let once = try await harness.send(.get, "/v1/models/mlp/parameters/2.bias")
        _ = try await harness.send(.post, "/v1/models/mlp/backward", json: #"{\#(Self.batch), "loss": "mse"}"#)
        let twice = try await harness.send(.get, "/v1/models/mlp/parameters/2.bias")
        let g1 = once["grad"]?.flatNumbers ?? []
        let g2 = twice["grad"]?.flatNumbers ?? []
        #expect(g1.count == 1 && g2.count == 1)
        #expect(abs(g2[0] - 2 * g1[0]) < 1e-6)
        let zeroed = try await harness.send(.post, "/v1/models/mlp/zero-grad")
        #expect(zeroed.status == 204)
        let after = try await harness.send(.get, "/v1/models/mlp/parameters/2.bias")
        #expect(after["grad"]?.flatNumbers == [0])
        // Gradients are in memory only: no write, no version change.
        #expect(after.headers["ETag"] == "\"1\"")
        #expect(harness.store.saveCount == 1)
    }

    @Test func crossEntropyTakesClassIndices() async throws {
        let harness = await ServiceHarness()
        _ = try await harness.send(
            .post, "/v1/models",
            json: """
                {"name": "clf", "spec": {"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 3}]}}
                """)
        let ok = try await harness.send(
            .post, "/v1/models/clf/backward", json: #"{"inputs": [[1, 2, 3, 4], [4, 3, 2, 1]], "targets": [0, 2], "loss": "cross_entropy"}"#
        )
        #expect(ok.status == 200, "\(ok.text)")
        let bad = try await harness.send(
            .post, "/v1/models/clf/backward",
            json: #"{"inputs": [[1, 2, 3, 4], [4, 3, 2, 1]], "targets": [0, 1.5], "loss": "cross_entropy"}"#)
        #expect(bad.status == 422)
    }

    @Test func trainStreamsNDJSONAndSavesBeforeDone() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(
            .post, "/v1/models/mlp/train", json: #"{\#(Self.batch), "loss": "mse", "optimizer": {"name": "sgd", "lr": 0.1}, "epochs": 3}"#)
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/x-ndjson")
        let lines = response.text.split(separator: "\n").map { (try? JSONValue(parsing: String($0))) ?? .null }
        #expect(lines.count == 4)
        #expect(lines[0]["epoch"]?.number == 1 && lines[0]["step"]?.number == 1)
        #expect(lines[3]["done"] == .bool(true))
        #expect(lines[3]["version"]?.number == 2)
        let losses = lines.prefix(3).compactMap { $0["loss"]?.number }
        #expect(losses[2] < losses[0])
        #expect(harness.store.stored("mlp")?.version == 2)
    }

    @Test func trainAsServerSentEvents() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let response = try await harness.send(
            .post, "/v1/models/mlp/train",
            json:
                #"{\#(Self.batch), "loss": "mse", "optimizer": {"name": "adam", "lr": 0.01}, "batch_size": 1, "shuffle": true, "seed": 3}"#,
            headers: ["Accept": "text/event-stream"])
        #expect(response.headers["Content-Type"] == "text/event-stream")
        #expect(response.text.components(separatedBy: "event: progress\n").count == 3)
        #expect(response.text.contains("event: done\ndata: {\"done\":true,"))
    }

    @Test func tiedGradientsAreSharedAndStayTiedAfterTraining() async throws {
        let harness = await ServiceHarness()
        try await harness.createTied()
        _ = try await harness.send(
            .post, "/v1/models/tied/train",
            json: #"{\#(Self.batch), "loss": "mse", "optimizer": {"name": "sgd", "lr": 0.05}, "epochs": 2}"#)
        let first = try await harness.send(.get, "/v1/models/tied/parameters/2.weight")
        let second = try await harness.send(.get, "/v1/models/tied/parameters/4.weight")
        #expect(first["value"] == second["value"])
        #expect(first["grad"] == second["grad"])
        #expect(first["grad"] != .null)
    }

    @Test func trainRefusesBadRequestsBeforeStreaming() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let noOptimizer = try await harness.send(.post, "/v1/models/mlp/train", json: #"{\#(Self.batch), "loss": "mse"}"#)
        #expect(noOptimizer.status == 400)
        let badLR = try await harness.send(
            .post, "/v1/models/mlp/train", json: #"{\#(Self.batch), "loss": "mse", "optimizer": {"name": "sgd", "lr": -1}}"#)
        #expect(badLR.status == 400)
        let width = try await harness.send(
            .post, "/v1/models/mlp/train",
            json: #"{"inputs": [[1, 2, 3]], "targets": [[1]], "loss": "mse", "optimizer": {"name": "sgd", "lr": 0.1}}"#)
        #expect(width.status == 422)
        let rows = try await harness.send(
            .post, "/v1/models/mlp/train",
            json: #"{"inputs": [[1, 2, 3, 4]], "targets": [[1], [2]], "loss": "mse", "optimizer": {"name": "sgd", "lr": 0.1}}"#)
        #expect(rows.status == 422)
        let stale = try await harness.send(
            .post, "/v1/models/mlp/train", json: #"{\#(Self.batch), "loss": "mse", "optimizer": {"name": "sgd", "lr": 0.1}}"#,
            headers: ["If-Match": "\"9\""])
        #expect(stale.status == 412)
        #expect(harness.store.stored("mlp")?.version == 1)
    }

    @Test func divergingTrainingKeepsThePreviousWeights() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let before = try await harness.send(.get, "/v1/models/mlp/parameters?values=true")
        let response = try await harness.send(
            .post, "/v1/models/mlp/train",
            json:
                #"{"inputs": [[1e30, 1e30, 1e30, 1e30]], "targets": [[1e30]], "loss": "mse", "optimizer": {"name": "sgd", "lr": 1e6}, "epochs": 5}"#
        )
        #expect(response.status == 200)
        #expect(response.text.contains(#""error":"#))
        #expect(response.text.contains("non-finite"))
        let after = try await harness.send(.get, "/v1/models/mlp/parameters?values=true")
        #expect(after.body == before.body)
        #expect(harness.store.stored("mlp")?.version == 1)
    }
}
