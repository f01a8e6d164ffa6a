import Foundation
@testable import HTTP
import Testing
@testable import Service

/// GET /v1/models/{model}/events in process: one event per committed version, heartbeats, the
/// end of every stream at shutdown, and writes that never wait for a follower.
struct EventRoutesTests {
    /// Opens the event stream and reads it in a task; `text` is what arrived so far.
    final class Follower: Sendable {
        let sink = CollectingSink()
        let reading: Task<Void, any Error>
        let status: Int
        let headers: HTTPHeaders

        init(_ harness: ServiceHarness, model: String, headers extra: [String: String] = [:]) async throws {
            var fields = HTTPHeaders()
            for (name, value) in extra { fields.set(name, value) }
            let head = try HTTPRequestHead(method: .get, target: "/v1/models/\(model)/events", headers: fields)
            let response = try await harness.router.respond(to: HTTPRequest(head: head, id: "test"))
            status = response.status.code
            headers = response.headers
            let sink = self.sink
            reading = Task {
                if case .stream(let produce) = response.body { try await produce(HTTPBodyWriter(sink: sink)) }
            }
        }

        var text: String { String(decoding: sink.bytes, as: UTF8.self) }

        /// Waits up to 5 s for `needle` to arrive.
        func waitFor(_ needle: String) async -> Bool {
            for _ in 0..<500 {
                if text.contains(needle) { return true }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return false
        }
    }

    @Test func eachCommittedVersionIsOneEventNamingWhatChanged() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let follower = try await Follower(harness, model: "mlp")
        #expect(follower.status == 200 && follower.headers["Content-Type"] == "text/event-stream")
        #expect(
            await follower.waitFor("id: 1\nevent: current\ndata: {\"change\":\"current\",\"model\":\"mlp\",\"version\":1}\n\n"),
            "\(follower.text)")
        #expect(follower.text.hasPrefix("retry: 1000\n\n"))

        let patch = try await harness.send(.patch, "/v1/models/mlp/parameters/0.bias", json: #"{"op": "fill", "value": 0}"#)
        #expect(patch.status == 200)
        #expect(
            await follower.waitFor(
                #"id: 2\#nevent: updated\#ndata: {"change":"updated","model":"mlp","parameters":["0.bias"],"version":2}"#),
            "\(follower.text)")

        _ = try await harness.send(
            .post, "/v1/models/mlp/initialize", json: #"{"seed": 1, "rules": [{"match": "**.weight", "init": "xavier_uniform"}]}"#)
        #expect(await follower.waitFor(#""parameters":["0.weight","2.weight"],"version":3"#), "\(follower.text)")

        // Gradients live in memory: no version, no event.
        _ = try await harness.send(.post, "/v1/models/mlp/backward", json: #"{"inputs": [[1, 2, 3, 4]], "targets": [[1]], "loss": "mse"}"#)
        _ = try await harness.send(.delete, "/v1/models/mlp")
        #expect(await follower.waitFor("id: 3\nevent: deleted\n"), "\(follower.text)")
        // The stream follows the name: a model created under it again is announced.
        try await harness.createMLP()
        #expect(
            await follower.waitFor(#"id: 1\#nevent: created\#ndata: {"change":"created","model":"mlp","version":1}"#), "\(follower.text)")
        #expect(follower.text.components(separatedBy: "event: ").count == 6, "current, two updates, deleted, created: \(follower.text)")

        harness.service.endEventStreams()
        try await follower.reading.value
    }

    @Test func aTiedParameterIsNamedByItsFirstPath() async throws {
        let harness = await ServiceHarness()
        try await harness.createTied()
        let follower = try await Follower(harness, model: "tied")
        _ = try await harness.send(.patch, "/v1/models/tied/parameters/4.weight", json: #"{"op": "mul", "value": 2}"#)
        #expect(await follower.waitFor(#""parameters":["2.weight"]"#), "\(follower.text)")
        harness.service.endEventStreams()
        try await follower.reading.value
    }

    @Test func quietStreamsCarryHeartbeats() async throws {
        let harness = await ServiceHarness(configure: { $0.eventHeartbeat = .milliseconds(20) })
        try await harness.createMLP()
        let follower = try await Follower(harness, model: "mlp", headers: ["Last-Event-ID": "1"])
        #expect(await follower.waitFor(": heartbeat\n\n"))
        #expect(follower.text.contains("event: current"), "a reconnecting client gets the current version at once")
        harness.service.endEventStreams()
        try await follower.reading.value
    }

    @Test func aFollowerThatNeverReadsNeverDelaysWrites() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        // Opened and never read: its buffer fills and keeps only the newest events.
        let head = try HTTPRequestHead(method: .get, target: "/v1/models/mlp/events")
        let idle = try await harness.router.respond(to: HTTPRequest(head: head, id: "idle"))
        #expect(idle.status.code == 200)
        for step in 0..<(ModelEvents.bufferLimit * 3) {
            let patch = try await harness.send(.patch, "/v1/models/mlp/parameters/2.bias", json: #"{"op": "fill", "value": \#(step)}"#)
            #expect(patch.status == 200)
        }
        let latest = try await harness.send(.get, "/v1/models/mlp")
        #expect(latest["version"]?.number == Double(1 + ModelEvents.bufferLimit * 3))
        harness.service.endEventStreams()
    }

    @Test func aStreamDroppedUnreadLeavesNoFollowerBehind() async {
        let events = ModelEvents()
        func openAndDrop() {
            let stream = events.follow("m", heartbeat: .seconds(60))
            #expect(events.hasFollowers("m"))
            _ = stream
        }
        openAndDrop()
        for _ in 0..<100 where events.hasFollowers("m") { try? await Task.sleep(for: .milliseconds(10)) }
        #expect(!events.hasFollowers("m"), "a response dropped before streaming (HEAD, a failed write) must not leak")
    }

    @Test func anUnknownModelIs404AndStreamsOpenedAfterShutdownEndAtOnce() async throws {
        let harness = await ServiceHarness()
        let missing = try await harness.send(.get, "/v1/models/nope/events")
        #expect(missing.status == 404 && missing.problemSlug == "unknown-model")
        let badName = try await harness.send(.get, "/v1/models/..%2F/events")
        #expect(badName.status == 400)
        try await harness.createMLP()
        harness.service.endEventStreams()
        let late = try await harness.send(.get, "/v1/models/mlp/events")
        #expect(late.status == 200 && late.text.contains("event: current"))
    }
}
