import HTTP
import NeuralNet
import Testing
@testable import Service

/// A raw PUT of a parameter is read straight into the new tensor's storage (``RawTensorBody``):
/// the plan refuses a length that cannot fit before any byte is read, and the array the server
/// filled is the one the model keeps.
struct RawTensorBodyTests {
    static func plan(_ harness: ServiceHarness, length: Int, headers: HTTPHeaders) throws -> HTTPBodyPlan {
        let head = try HTTPRequestHead(
            method: .put, target: "/v1/models/mlp/parameters/0.bias", headers: headers, framing: .length(length))
        return harness.router.bodyPlan(for: HTTPRequest(head: head))
    }

    @Test func rawBodiesGoToTensorStorageAndJSONStaysBuffered() async throws {
        let harness = await ServiceHarness()
        guard case .into(let storage) = try Self.plan(harness, length: 32, headers: ["Content-Type": "application/octet-stream"]) else {
            Issue.record("a raw PUT is read in place")
            return
        }
        #expect(storage is RawTensorBody)
        #expect(storage.byteCount == 32)
        guard case .into = try Self.plan(harness, length: 32, headers: ["Content-Type": "application/octet-stream", "Tensor-Shape": "2,4"])
        else {
            Issue.record("a length that matches Tensor-Shape is read in place")
            return
        }
        guard case .buffered = try Self.plan(harness, length: 32, headers: ["Content-Type": "application/json"]) else {
            Issue.record("a JSON PUT is buffered")
            return
        }
    }

    @Test(arguments: [
        (31, "a raw float32 body must be a multiple of 4 bytes long, got 31"),
        (32, "Tensor-Shape 3 needs 3 float32 values (12 bytes), the body has 8")
    ])
    func aLengthThatCannotBeTheTensorIsRefusedUnread(length: Int, detail: String) async throws {
        let harness = await ServiceHarness()
        let headers: HTTPHeaders = ["Content-Type": "application/octet-stream", "Tensor-Shape": length == 31 ? "8" : "3"]
        guard case .refuse(let refusal) = try Self.plan(harness, length: length, headers: headers) else {
            Issue.record("refused before the body is read")
            return
        }
        #expect(refusal.status.code == 422)
        #expect(refusal.route == "/v1/models/{model}/parameters/{path}")
        guard case .bytes(let body) = refusal.body else { return }
        #expect(String(decoding: body, as: UTF8.self).contains(detail))
    }

    @Test func theModelKeepsTheArrayTheServerFilled() async throws {
        let harness = await ServiceHarness()
        try await harness.createMLP()
        let storage = RawTensorBody(count: 8)
        let address = storage.withUnsafeMutableBytes { target in
            for index in 0..<8 { target.storeBytes(of: Float(index) / 2, toByteOffset: index * 4, as: Float.self) }
            return UInt(bitPattern: target.baseAddress)
        }
        let head = try HTTPRequestHead(
            method: .put, target: "/v1/models/mlp/parameters/0.bias", headers: ["Content-Type": "application/octet-stream"],
            framing: .length(32))
        var request = HTTPRequest(head: head, id: "in-place")
        request.bodyDestination = storage
        let response = try await harness.router.respond(to: request)
        #expect(response.status.code == 200)
        let kept = try harness.service.registry.slot(named: "mlp").state().model.parameter("0.bias").value.scalars
        #expect(kept == [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5])
        #expect(kept.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) } == address)
        #expect(storage.byteCount == 0)
    }
}
