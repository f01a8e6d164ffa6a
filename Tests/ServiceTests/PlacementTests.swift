import HTTP
import JSON
import NeuralNet
import Testing
@testable import Service

/// Quick requests start on the event loop; writes and heavy work go to the pool.
struct PlacementTests {
    @Test func readsAndForwardsStartOnTheLoopAndWritesOnThePool() throws {
        #expect(Placement.forRequest(try HTTPRequestHead(method: .get, target: "/v1/models/m/parameters/0.weight")) == .eventLoop)
        #expect(Placement.forRequest(try HTTPRequestHead(method: .head, target: "/v1/models/m")) == .eventLoop)
        #expect(Placement.forRequest(try HTTPRequestHead(method: .post, target: "/v1/models/m/forward")) == .eventLoop)
        #expect(Placement.forRequest(try HTTPRequestHead(method: .post, target: "/v1/models/m/train")) == nil)
        #expect(Placement.forRequest(try HTTPRequestHead(method: .patch, target: "/v1/models/m/parameters/0.weight")) == nil)
        #expect(Placement.forRequest(try HTTPRequestHead(method: .put, target: "/v1/models/m/parameters/0.weight")) == nil)
        #expect(Placement.forRequest(try HTTPRequestHead(method: .delete, target: "/v1/models/m")) == nil)
    }

    @Test func cheapWorkRunsInPlaceAndCostlyWorkInAPoolTask() async throws {
        let caller = withUnsafeCurrentTask { $0?.hashValue }
        let inPlace = try await Placement.run(cost: .microseconds(10)) { withUnsafeCurrentTask { $0?.hashValue } }
        #expect(inPlace == caller)
        let offloaded = try await Placement.run(cost: .milliseconds(5)) { withUnsafeCurrentTask { $0?.hashValue } }
        #expect(offloaded != nil && offloaded != caller)
    }

    @Test func forwardCostGrowsWithTheBatchAndTheModel() throws {
        let spec = try JSONValue(parsing: Array(#"{"type": "sequential", "layers": [{"type": "linear", "in": 784, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 10}]}"#.utf8))
        let model = try Model(spec: spec)
        func request(rows: Int) throws -> HTTPRequest {
            let row = "[" + Array(repeating: "0.12345678", count: 784).joined(separator: ",") + "]"
            let body = #"{"inputs":["# + Array(repeating: row, count: rows).joined(separator: ",") + "]}"
            return HTTPRequest(
                head: try HTTPRequestHead(method: .post, target: "/v1/models/m/forward", headers: ["Content-Type": "application/json"]),
                body: Array(body.utf8))
        }
        let one = ForwardRequest.estimatedCost(of: try request(rows: 1), model: model)
        let many = ForwardRequest.estimatedCost(of: try request(rows: 64), model: model)
        #expect(one <= Placement.inlineBudget)
        #expect(many > Placement.inlineBudget)
    }
}
