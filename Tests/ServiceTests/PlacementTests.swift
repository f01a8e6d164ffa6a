import HTTP
import JSON
import NeuralNet
import TestSupport
import Testing
@testable import Service

/// Each route's placement, declared where it is registered and applied once by the router:
/// probes in place, quick reads on the loop, writes on the pool, forwards by their cost.
struct PlacementTests {
    enum Where: Equatable { case inPlace, deferred, eventLoop, pool }

    static func place(_ harness: ServiceHarness, _ method: HTTPMethod, _ target: String, body: String = "") throws -> Where {
        let head = try HTTPRequestHead(method: method, target: target, headers: ["Content-Type": "application/json"])
        switch try harness.router.dispatch(HTTPRequest(head: head, body: Array(body.utf8))) {
        case .answered: return .inPlace
        case .deferred: return .deferred
        case .onEventLoop: return .eventLoop
        case .onPool: return .pool
        }
    }

    static func rows(_ count: Int, width: Int) -> String {
        let row = "[" + Array(repeating: "0.12345678", count: width).joined(separator: ",") + "]"
        return #"{"inputs":["# + Array(repeating: row, count: count).joined(separator: ",") + "]}"
    }

    @Test func probesInPlaceReadsOnTheLoopWritesOnThePoolButSmallEdits() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        #expect(try Self.place(harness, .get, "/healthz") == .inPlace)
        #expect(try Self.place(harness, .get, "/readyz") == .inPlace)
        #expect(try Self.place(harness, .get, "/v1/models/mlp") == .eventLoop)
        #expect(try Self.place(harness, .head, "/v1/models/mlp") == .eventLoop)
        #expect(try Self.place(harness, .post, "/v1/models/mlp/train", body: "{}") == .pool)
        #expect(try Self.place(harness, .patch, "/v1/models/mlp/parameters/0.weight", body: "{}") == .eventLoop)
        #expect(try Self.place(harness, .put, "/v1/models/mlp/parameters/0.weight", body: "{}") == .pool)
        #expect(try Self.place(harness, .delete, "/v1/models/mlp") == .pool)
    }

    /// A forward's placement follows its estimated cost: the batch times the model's size, known
    /// once a request has read the model; a model not seen yet goes to the pool. On the loop a
    /// forward is deferred: taken in place, with no task, and answered once its pass has run.
    @Test func forwardsRunOnTheLoopOrThePoolByTheirCost() async throws {
        let harness = await ServiceHarness()
        let created = try await harness.send(
            .post, "/v1/models",
            json: """
                {"name": "big", "spec": {"type": "sequential", "layers": [
                  {"type": "linear", "in": 784, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 10}]}}
                """)
        #expect(created.status == 201)
        #expect(try Self.place(harness, .post, "/v1/models/big/forward", body: Self.rows(1, width: 784)) == .pool)
        #expect(try await harness.send(.post, "/v1/models/big/forward", json: Self.rows(1, width: 784)).status == 200)
        #expect(try Self.place(harness, .post, "/v1/models/big/forward", body: Self.rows(1, width: 784)) == .deferred)
        #expect(try Self.place(harness, .post, "/v1/models/big/forward", body: Self.rows(64, width: 784)) == .pool)
        #expect(try Self.place(harness, .post, "/v2/models/big/infer", body: Self.rows(1, width: 784)) == .deferred)
        #expect(try Self.place(harness, .post, "/v1/models/nobody/forward", body: Self.rows(1, width: 784)) == .pool)
        // A full listing of its values is big; the names alone are not.
        #expect(try Self.place(harness, .get, "/v1/models/big/parameters") == .eventLoop)
        #expect(try Self.place(harness, .get, "/v1/models/big/parameters?values=true") == .pool)
        #expect(try await harness.send(.delete, "/v1/models/big").status == 204)
        #expect(try Self.place(harness, .post, "/v1/models/big/forward", body: Self.rows(1, width: 784)) == .pool)
    }

    /// A PATCH's handler parses the body and formats the whole parameter (its commit runs on the
    /// model's storage queue either way): on the loop while both are small, else on the pool.
    @Test func editsRunOnTheLoopOrThePoolByTheirCost() async throws {
        let harness = await ServiceHarness()
        let created = try await harness.send(
            .post, "/v1/models", json: #"{"name": "wide", "spec": {"type": "linear", "in": 256, "out": 1000}}"#)
        #expect(created.status == 201)
        let edit = #"{"op": "set", "index": [0], "value": 1}"#
        #expect(try Self.place(harness, .patch, "/v1/models/wide/parameters/bias", body: edit) == .eventLoop)
        // 256 000 values to format, or a body of 100 kB to parse: beyond the loop's budget.
        #expect(try Self.place(harness, .patch, "/v1/models/wide/parameters/weight", body: edit) == .pool)
        let values = Array(repeating: "0.5", count: 25_000).joined(separator: ",")
        let long = #"{"op": "set", "slice": "0:10000", "value": ["# + values + "]}"
        #expect(try Self.place(harness, .patch, "/v1/models/wide/parameters/bias", body: long) == .pool)
        // Unknown model or parameter: the pool, where the handler answers the error.
        #expect(try Self.place(harness, .patch, "/v1/models/nobody/parameters/bias", body: edit) == .pool)
        #expect(try Self.place(harness, .patch, "/v1/models/wide/parameters/nothing", body: edit) == .pool)
    }

    /// The coalescer's joint pass obeys the router's rule for a single pass of the same cost.
    @Test func cheapWorkRunsInPlaceAndCostlyWorkInAPoolTask() async throws {
        #expect(Placement.runsInPlace(cost: .microseconds(10)))
        #expect(!Placement.runsInPlace(cost: .milliseconds(5)))
        let caller = withUnsafeCurrentTask { $0?.hashValue }
        let offloaded = Locked<Int??>(nil)
        Placement.offload { offloaded.withLock { $0 = withUnsafeCurrentTask { $0?.hashValue } } }
        try await waitUntil { offloaded.withLock { $0 } != nil }
        let task = offloaded.withLock { $0 } ?? nil
        #expect(task != nil && task != caller)
        let oneRow = ForwardRequest.passCost(rows: 1, parameters: 784 * 256 + 256 * 10)
        let jointPass = ForwardRequest.passCost(rows: 32, parameters: 784 * 256 + 256 * 10)
        #expect(Placement.runsInPlace(cost: oneRow))
        #expect(!Placement.runsInPlace(cost: jointPass))
    }
}
