import Foundation
@testable import HTTP
import JSON
import Testing
import TestSupport
@testable import Service

/// Training runs on a snapshot outside the model's write line: a client that does not read
/// its progress stalls only its own training, never another write; the result is committed only
/// if the model is still at the version it trained on.
struct TrainingWritePathTests {
    static let train =
        #"{"inputs": [[0.1, 0.2, 0.3, 0.4]], "targets": [[1.0]], "loss": "mse", "optimizer": {"name": "sgd", "lr": 0.1}, "epochs": 3}"#

    /// A client that reads nothing until told to: its first progress line blocks the producer.
    final class StalledSink: HTTPBodySink, @unchecked Sendable {
        private let lock = NSLock()
        private var collected: [UInt8] = []
        private var isOpen = false
        private var waiting: [CheckedContinuation<Void, Never>] = []
        private(set) var blockedWrites = 0

        func write(_ bytes: [UInt8]) async throws {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let proceeds = lock.withLock {
                    collected += bytes
                    if isOpen { return true }
                    blockedWrites += 1
                    waiting.append(continuation)
                    return false
                }
                if proceeds { continuation.resume() }
            }
        }

        func open() {
            let resumed = lock.withLock {
                isOpen = true
                defer { waiting.removeAll() }
                return waiting
            }
            for continuation in resumed { continuation.resume() }
        }

        var blocked: Int { lock.withLock { blockedWrites } }
        var text: String { lock.withLock { String(decoding: collected, as: UTF8.self) } }
    }

    @Test func aStalledProgressReaderDoesNotBlockWritesAndItsStaleResultIsRefused() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let head = try HTTPRequestHead(method: .post, target: "/v1/models/mlp/train", headers: ["Content-Type": "application/json"])
        let response = try await harness.router.respond(to: HTTPRequest(head: head, body: Array(Self.train.utf8), id: "t"))
        guard case .stream(let produce) = response.body else {
            Issue.record("train answers with a stream")
            return
        }
        let sink = StalledSink()
        let training = Task { try await produce(HTTPBodyWriter(sink: sink)) }
        try await waitUntil { sink.blocked == 1 }  // stuck on its first progress line

        let write = try await harness.send(.patch, "/v1/models/mlp/parameters/2.bias", json: #"{"op": "fill", "value": 0.5}"#)
        #expect(write.status == 200 && write.headers["ETag"] == "\"2\"", "a write waited for a stalled training stream")

        sink.open()
        try await training.value
        #expect(sink.text.contains("changed-during-training"), "\(sink.text)")
        let bias = try await harness.send(.get, "/v1/models/mlp/parameters/2.bias")
        #expect(bias["value"]?.flatNumbers == [0.5] && bias.headers["ETag"] == "\"2\"", "the stale training result was stored")
    }

    @Test func trainingOnAnUnchangedModelCommitsItsResult() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let trained = try await harness.send(.post, "/v1/models/mlp/train", json: Self.train)
        #expect(trained.text.contains(#""done":true"#) && trained.text.contains(#""version":2"#), "\(trained.text)")
        #expect(harness.store.stored("mlp")?.version == 2)
    }
}
