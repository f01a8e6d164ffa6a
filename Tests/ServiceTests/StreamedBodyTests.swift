import HTTP
import JSON
import NeuralNet
import Testing
@testable import Service

/// Large bodies are streamed a chunk at a time, and the streamed bytes are exactly those the
/// whole-body path writes: nested JSON split at any row or inside a long vector, raw floats,
/// the listing with values.
struct StreamedBodyTests {
    /// A weight of 600 × 512 (307200 elements, above the threshold) beside small tensors; and a
    /// 1 → 300000 layer, whose bias is one long vector.
    static let spec = #"""
        {"name": "big", "seed": 3, "spec": {"type": "sequential", "layers": [
          {"type": "linear", "in": 512, "out": 600}, {"type": "relu"}, {"type": "linear", "in": 600, "out": 1}]}}
        """#
    static let wide = #"""
        {"name": "wide", "seed": 4, "spec": {"type": "linear", "in": 1, "out": 300000}}
        """#

    static func isStreamed(_ harness: ServiceHarness, _ target: String, headers: [String: String] = [:]) async throws -> Bool {
        var fields = HTTPHeaders()
        for (name, value) in headers { fields.set(name, value) }
        let request = HTTPRequest(head: try HTTPRequestHead(method: .get, target: target, headers: fields), body: [], id: "t")
        if case .stream = try await harness.router.respond(to: request).body { return true }
        return false
    }

    @Test func aLargeParameterStreamsTheBytesTheWholeBodyHas() async throws {
        let harness = await ServiceHarness()
        #expect(try await harness.send(.post, "/v1/models", json: Self.spec).status == 201)
        #expect(try await harness.send(.post, "/v1/models", json: Self.wide).status == 201)
        for (model, path) in [("big", "0.weight"), ("wide", "weight"), ("wide", "bias")] {
            let state = try harness.service.registry.slot(named: model).state()
            let parameter = try state.model.parameter(path)
            let target = "/v1/models/\(model)/parameters/\(path)"
            #expect(try await Self.isStreamed(harness, target))
            let streamed = try await harness.send(.get, target)
            #expect(streamed.status == 200 && streamed.headers["ETag"] == "\"1\"")
            #expect(streamed.body == (try ParameterBody.json(parameter, slice: nil, path: path)), "\(model) \(path)")
            let raw = try await harness.send(.get, target, headers: ["Accept": "application/octet-stream"])
            #expect(raw.body == parameter.value.scalars.withUnsafeBytes { Array($0) })
            #expect(raw.headers["Tensor-Shape"] == TensorShapeHeader.format(parameter.shape))
        }
        let small = "/v1/models/big/parameters/0.bias"
        #expect(try await !Self.isStreamed(harness, small), "a small body stays whole")
    }

    @Test func theListingWithValuesStreamsTheSameBytesTheWholeBodyHas() async throws {
        let harness = await ServiceHarness()
        #expect(try await harness.send(.post, "/v1/models", json: Self.spec).status == 201)
        let state = try harness.service.registry.slot(named: "big").state()
        let parameters = try state.model.namedParameters()
        let listing = try await harness.send(.get, "/v1/models/big/parameters?values=true")
        #expect(listing.body == ParamdService.parameterListing(parameters, includeValues: true, capacity: 0))
    }

    /// A large model with a batch norm (an I64 `num_batches_tracked` between F32 tensors).
    static let normed = #"""
        {"name": "normed", "seed": 5, "spec": {"type": "sequential", "layers": [
          {"type": "linear", "in": 512, "out": 600}, {"type": "batch_norm1d", "num_features": 600},
          {"type": "linear", "in": 600, "out": 2}]}}
        """#

    @Test func theStateDictOfALargeModelStreamsTheFileTheWholeEncoderWrites() async throws {
        let harness = await ServiceHarness()
        #expect(try await harness.send(.post, "/v1/models", json: Self.normed).status == 201)
        #expect(try await harness.send(.post, "/v1/models", json: Self.spec).status == 201)
        #expect(try await Self.isStreamed(harness, "/v1/models/normed/state-dict"))
        let exported = try await harness.send(.get, "/v1/models/normed/state-dict")
        #expect(exported.headers["Content-Disposition"] == "attachment; filename=\"normed.safetensors\"")
        let state = try harness.service.registry.slot(named: "normed").state()
        #expect(try ParamdService.stateDictFile(state.model).encoded() == exported.body, "the encoder's bytes, header and data")
        let header = try SafeTensorsHeader(parsing: exported.body)
        #expect(header.layouts.first { $0.name == "1.num_batches_tracked" }?.dtype == .i64)
        #expect(header.layouts.count == (try state.model.stateDict()).count)
        try await harness.createMLP("small")
        #expect(try await !Self.isStreamed(harness, "/v1/models/small/state-dict"), "a small model's file stays one body")
    }

    @Test func theONNXExportOfALargeModelStreamsTheBytesTheWholeEncoderWrites() async throws {
        let harness = await ServiceHarness()
        #expect(try await harness.send(.post, "/v1/models", json: Self.spec).status == 201)
        #expect(try await Self.isStreamed(harness, "/v1/models/big/onnx"))
        let exported = try await harness.send(.get, "/v1/models/big/onnx")
        let state = try harness.service.registry.slot(named: "big").state()
        let whole = try state.model.onnx(
            graphName: "big", metadata: [("paramd.spec", state.model.specJSON.jsonString), ("paramd.version", "1")])
        #expect(exported.body == whole)
        #expect(exported.headers["Content-Disposition"] == "attachment; filename=\"big.onnx\"")
    }
}
