import Foundation
import OpenAPIRuntime
import ParamdClient
import Testing

/// The Swift client generated from api/openapi.yaml (ParamdClient) against the real binary:
/// the example program walks the whole chapter, and the typed answers carry what the
/// contract promises (torch's weights, problems per status, ETags, bearer auth, raw float32).
@Suite(.serialized)
struct GeneratedClientTests {
    static let mlp = Components.Schemas.LayerSpec.sequential(
        .init(
            _type: .sequential,
            layers: [
                .LayerSpec(.linear(.init(_type: .linear, _in: 4, out: 8))), .LayerSpec(.relu(.init(_type: .relu))),
                .LayerSpec(.linear(.init(_type: .linear, _in: 8, out: 1)))
            ]))

    static func client(_ server: ServerProcess, token: String? = nil) -> Client {
        Client(paramdAt: URL(string: server.baseURL)!, token: token)
    }

    static func createMLP(_ client: Client, name: String = "mlp") async throws -> Operations.CreateModel.Output {
        try await client.createModel(body: .json(.init(name: name, spec: mlp, seed: 0, _init: .InitializerName(.pytorch))))
    }

    /// `paramd-client-example`, built beside paramd, runs every step of the chapter and checks it.
    @Test func exampleProgramWalksTheChapter() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        let example = Process()
        example.executableURL = ServerProcess.packageRoot.appendingPathComponent(".build/debug/paramd-client-example")
        example.arguments = [server.baseURL]
        let output = Pipe()
        example.standardOutput = output
        example.standardError = output
        try example.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        example.waitUntilExit()
        #expect(example.terminationStatus == 0, "\(text)")
        #expect(text.contains("done: every step of the chapter gave what it should"), "\(text)")
        #expect(text.contains("epoch 3 step 3: loss"), "\(text)")
    }

    @Test func pytorchMLPHasTorchsWeightsThroughTheClient() async throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        let client = Self.client(server)
        let created = try await Self.createMLP(client).created
        #expect(created.headers.eTag == #""1""# && created.headers.location == "/v1/models/mlp")
        for (path, expected) in ChapterWalkthroughTests.torchSeed0 {
            let parameter = try await client.getParameter(
                path: .init(model: "mlp", path: path), headers: .init(accept: [.init(contentType: .json)])
            ).ok.body.json
            #expect(parameter.value.scalars.map { Float($0) } == expected.map { Float($0) }, "\(path)")
        }
        let forward = try await client.forward(
            path: .init(model: "mlp"), headers: .init(accept: [.init(contentType: .json)]),
            body: .json(.init(inputs: .rows([[0.1, 0.2, 0.3, 0.4]])))
        ).ok.body.json
        #expect(forward.outputs.scalars.count == 1)
        #expect(abs(forward.outputs.scalars[0] - -0.17383018136024475) < 1e-6)
    }

    @Test func refusalsArriveAsTheDocumentedCasesWithProblems() async throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        let client = Self.client(server)
        _ = try await Self.createMLP(client).created

        guard case .conflict(let conflict) = try await Self.createMLP(client) else { Issue.record("a second mlp is a 409"); return }
        #expect(try conflict.body.applicationProblemJson.status == 409)

        let wide = try await client.forward(
            path: .init(model: "mlp"), body: .json(.init(inputs: .rows([[1, 2, 3, 4, 5]]))))
        guard case .unprocessableContent(let refused) = wide else { Issue.record("5 features for a 4-wide layer: \(wide)"); return }
        #expect(try refused.body.applicationProblemJson._type == "https://paramd.dev/problems/incompatible-input")

        let missing = try await client.describeModel(path: .init(model: "nope"))
        guard case .notFound = missing else { Issue.record("an unknown model is a 404: \(missing)"); return }

        let both = try await client.patchParameter(
            path: .init(model: "mlp", path: "0.weight"),
            body: .json(.EditOp(.set(.init(op: .set, index: [0, 0], slice: "0", value: .scalar(1))))))
        guard case .badRequest = both else { Issue.record("index and slice together are a 400: \(both)"); return }

        let stale = try await client.patchParameter(
            path: .init(model: "mlp", path: "2.bias"), headers: .init(ifMatch: #""7""#),
            body: .json(.EditOp(.fill(.init(op: .fill, value: 0)))))
        guard case .preconditionFailed(let precondition) = stale else { Issue.record("a stale If-Match is a 412: \(stale)"); return }
        #expect(precondition.headers.eTag == #""1""#)
    }

    @Test func rawFloat32TravelsAsBytesWithItsShape() async throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        let client = Self.client(server)
        _ = try await Self.createMLP(client).created
        let values: [Float] = [1.5, -2, 0.25, 8, 0, -0.5, 3, 1e-3]
        let bytes = values.withUnsafeBytes { Array($0) }
        let written = try await client.putParameter(
            path: .init(model: "mlp", path: "2.weight"), headers: .init(tensorShape: "1,8"), body: .binary(.init(bytes))
        ).ok.body.json
        #expect(written.value.scalars.map(Float.init) == values)

        let raw = try await client.getParameter(
            path: .init(model: "mlp", path: "2.weight"), query: .init(slice: "0,2:4"), headers: .init(accept: [.init(contentType: .binary)])
        ).ok
        #expect(raw.headers.tensorShape == "2")
        let slice = try await Data(collecting: raw.body.binary, upTo: 1024)
        #expect(slice.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } == [0.25, 8])
    }

    @Test func bearerTokenGoesWithEveryRequest() async throws {
        let server = try ServerProcess(token: "s3cret-token")
        defer { server.stop(); server.removeData() }
        let models = try await Self.client(server, token: "s3cret-token").listModels().ok.body.json.models
        #expect(models.isEmpty)
        guard case .unauthorized = try await Self.client(server).listModels() else { Issue.record("no token is a 401"); return }
    }
}
