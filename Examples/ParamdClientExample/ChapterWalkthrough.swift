import Foundation
import OpenAPIRuntime
import ParamdClient

/// The chapter's steps through the generated client, each checked against what the chapter
/// (and PyTorch) says it gives.
struct ChapterWalkthrough {
    let client: Client
    let batch: [[Double]] = [[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]]

    func run() async throws {
        try await threeMLPs()
        try await targetedParameters()
        try await nestedBlocks()
        try await initializers()
        try await directEdits()
        try await tiesAndTraining()
        let names = try await client.listModels().ok.body.json.models.map(\.name)
        try check(names == ["mlp", "mlp-gluon", "mlp-keras", "rgnet", "tied"], "models listed: \(names)")
        print("models: \(names.joined(separator: ", "))")
    }

    /// PyTorch's MLP with its own initialization, Gluon's deferred dense, Keras's input_shape.
    func threeMLPs() async throws {
        let mlp = try await create("mlp", Chapter.mlp, seed: 0, initializer: .InitializerName(.pytorch))
        try check(mlp.version == 1 && mlp.parameterCount == 49, "mlp: version \(mlp.version), \(mlp.parameterCount) parameters")
        print(mlp.tree)
        let gluon = try await create("mlp-gluon", Chapter.gluonMLP, seed: 0, initializer: .InitializerName(.mxnet))
        try check(!gluon.initialized && gluon.parameterCount == 0, "a deferred model has no parameters before its first forward")
        let keras = try await create(
            "mlp-keras", Chapter.kerasMLP, seed: 0, initializer: .InitializerObject(.keras(.init(name: .keras))), inputShape: [4])
        try check(keras.initialized && keras.parameterCount == 25, "input_shape materializes Keras's MLP: \(keras.parameterCount)")

        let outputs = try await forward("mlp", batch)
        try check(outputs.shape == [2, 1], "net(X) has shape \(outputs.shape)")
        print("net(X) = \(outputs.outputs.scalars)")
        _ = try await forward("mlp-gluon", batch)
        let materialized = try await client.describeModel(path: .init(model: "mlp-gluon")).ok.body.json
        try check(
            materialized.initialized && materialized.version == 2 && materialized.parameterCount == 49,
            "the first forward fixes the Gluon MLP's input width (version \(materialized.version))")
    }

    /// `net[2].bias`, `net[2].weight.data`, `net[0].named_parameters()`, raw float32.
    func targetedParameters() async throws {
        let bias = try await parameter("mlp", "2.bias")
        try check(bias.shape == [1] && bias.grad == nil, "net[2].bias has shape [1] and no gradient yet")
        print("net[2].bias = \(bias.value.scalars)")
        let first = try await client.listParameters(path: .init(model: "mlp"), query: .init(prefix: "0")).ok.body.json
        try check(first.parameters.map(\.name) == ["0.weight", "0.bias"], "net[0]'s parameters: \(first.parameters.map(\.name))")

        let raw = try await client.getParameter(
            path: .init(model: "mlp", path: "2.bias"), headers: .init(accept: [.init(contentType: .binary)])
        ).ok
        let bytes = try await Data(collecting: raw.body.binary, upTo: 1 << 20)
        let floats = bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        try check(
            raw.headers.tensorShape == "1" && floats == bias.value.scalars.map(Float.init),
            "raw float32 bytes carry the same value with Tensor-Shape 1")
    }

    /// rgnet: child names become path segments (`0.block 1.0.bias`, sent percent-encoded).
    func nestedBlocks() async throws {
        let rgnet = try await create("rgnet", Chapter.rgnet, seed: 0)
        try check(rgnet.tree.contains("(block 3): Sequential("), "rgnet's tree names its blocks")
        let bias = try await parameter("rgnet", "0.block 1.0.bias")
        try check(bias.name == "0.block 1.0.bias" && bias.shape == [8], "rgnet[0][1][0].bias is 0.block 1.0.bias")
    }

    /// Built-in and custom initialization, by rules that apply in order.
    func initializers() async throws {
        let normal = try await initialize(
            "mlp", seed: 0,
            [
                .init(match: "**.weight", _init: .InitializerObject(.normal(.init(name: .normal, mean: 0, std: 0.01)))),
                .init(match: "**.bias", _init: .InitializerName(.zeros))
            ])
        try check(normal.initialized == ["0.weight", "0.bias", "2.weight", "2.bias"], "N(0, 0.01²) weights, zero biases")
        try check(try await parameter("mlp", "0.bias").value.scalars == Array(repeating: 0, count: 8), "zero biases")

        _ = try await initialize(
            "mlp", seed: 0,
            [
                .init(match: "0.weight", _init: .InitializerName(.xavierUniform)),
                .init(match: "2.weight", _init: .InitializerObject(.constant(.init(name: .constant, value: 42))))
            ])
        try check(try await parameter("mlp", "2.weight").value.scalars == Array(repeating: 42, count: 8), "net[2] is the constant 42")

        let uniform = { (a: Double, b: Double) in
            Schemas.ElementwiseInit.ElementwiseInitializer(.uniform(.init(name: .uniform, a: a, b: b)))
        }
        _ = try await initialize(
            "mlp", seed: 0,
            [
                .init(
                    match: "**.weight",
                    _init: .InitializerObject(
                        .mixture(
                            .init(
                                name: .mixture,
                                components: [
                                    .init(weight: 0.25, _init: uniform(5, 10)),
                                    .init(weight: 0.5, _init: .ElementwiseInitializerName(.zeros)),
                                    .init(weight: 0.25, _init: uniform(-10, -5))
                                ]))))
            ])
        let mixed = try await parameter("mlp", "0.weight").value.scalars
        try check(mixed.allSatisfy { $0 == 0 || (5...10).contains(abs($0)) }, "the chapter's mixture: 0 or 5 ≤ |w| ≤ 10")
        print("net[0].weight[:2] = \(mixed.prefix(8))")
    }

    /// `net[0].weight.data[:] += 1; net[0].weight.data[0, 0] = 42`, atomically, and If-Match.
    func directEdits() async throws {
        let before = try await parameter("mlp", "0.weight").value.scalars
        let edited = try await client.patchParameter(
            path: .init(model: "mlp", path: "0.weight"),
            body: .json(
                .EditOps(
                    .init(ops: [
                        .add(.init(op: .add, value: 1)), .set(.init(op: .set, index: [0, 0], value: .scalar(42)))
                    ])))
        ).ok
        let after = try edited.body.json.value.scalars
        try check(
            after[0] == 42 && zip(after.dropFirst(), before.dropFirst()).allSatisfy { abs($0 - ($1 + 1)) < 1e-5 }, "+= 1, then [0, 0] = 42")

        let fill = Operations.PatchParameter.Input.Body.json(.EditOp(.fill(.init(op: .fill, value: 0))))
        let stale = try await client.patchParameter(path: .init(model: "mlp", path: "2.bias"), headers: .init(ifMatch: #""1""#), body: fill)
        guard case .preconditionFailed(let refused) = stale else { throw WalkthroughFailure("a stale If-Match is refused: \(stale)") }
        let current = refused.headers.eTag
        let fresh = try await client.patchParameter(path: .init(model: "mlp", path: "2.bias"), headers: .init(ifMatch: current), body: fill)
            .ok
        try check(fresh.headers.eTag != current, "a write with the current ETag \(current) goes through, now \(fresh.headers.eTag)")
    }

    /// One module at two positions: one tensor, its gradient the sum over both uses.
    func tiesAndTraining() async throws {
        _ = try await create("tied", Chapter.tied, seed: 0)
        let listed = try await client.listParameters(path: .init(model: "tied")).ok.body.json.parameters
        try check(listed.first { $0.name == "2.weight" }?.aliases == ["4.weight"], "2.weight is listed once, with alias 4.weight")
        _ = try await client.patchParameter(
            path: .init(model: "tied", path: "2.weight"), body: .json(.EditOp(.set(.init(op: .set, index: [0, 0], value: .scalar(100)))))
        ).ok
        let throughAlias = try await parameter("tied", "4.weight")
        try check(throughAlias.value.scalars.first == 100, "a change through 2.weight shows through 4.weight")

        let request = Schemas.TrainRequest(
            inputs: .rows([(1...20).map { Double($0) / 10 }]), targets: .matrix([[1]]), loss: .mse,
            optimizer: .sgd(.init(name: .sgd, lr: 0.01)), epochs: 3)
        let stream = try await client.train(
            path: .init(model: "tied"), headers: .init(accept: [.init(contentType: .applicationXNdjson)]), body: .json(request)
        ).ok.body.applicationXNdjson
        var losses: [Double] = []
        var doneVersion: Int?
        for try await event in stream.asDecodedJSONLines(of: Schemas.TrainEvent.self) {
            switch event {
            case .TrainProgress(let progress):
                print("epoch \(progress.epoch) step \(progress.step): loss \(progress.loss)")
                losses.append(progress.loss)
            case .TrainDone(let done): doneVersion = done.version
            case .TrainError(let failure): throw WalkthroughFailure("training failed: \(failure.error.title)")
            }
        }
        try check(losses.count == 3 && losses[2] < losses[0] && doneVersion == 3, "three SGD steps lower the loss: \(losses)")
        let first = try await parameter("tied", "2.weight")
        let second = try await parameter("tied", "4.weight")
        try check(first.value == second.value && first.grad == second.grad && first.grad != nil, "tied values and gradients stay one")
        let output = try await forward("tied", [Array(repeating: 0.5, count: 20)])
        try check(output.shape == [1, 1], "the tied net runs forward")
    }

    // MARK: - The calls, as a user of the generated client writes them

    func create(
        _ name: String, _ spec: Schemas.LayerSpec, seed: Int, initializer: Schemas.Initializer? = nil, inputShape: [Int]? = nil
    ) async throws -> Schemas.ModelDescription {
        let body = Schemas.CreateModelRequest(name: name, spec: spec, seed: seed, _init: initializer, inputShape: inputShape)
        return try await client.createModel(body: .json(body)).created.body.json
    }

    func forward(_ model: String, _ rows: [[Double]]) async throws -> Schemas.ForwardResponse {
        try await client.forward(
            path: .init(model: model), headers: .init(accept: [.init(contentType: .json)]), body: .json(.init(inputs: .rows(rows)))
        ).ok.body.json
    }

    func parameter(_ model: String, _ path: String) async throws -> Schemas.Parameter {
        try await client.getParameter(path: .init(model: model, path: path), headers: .init(accept: [.init(contentType: .json)])).ok.body
            .json
    }

    func initialize(_ model: String, seed: Int, _ rules: [Schemas.InitRule]) async throws -> Schemas.InitializeResult {
        try await client.initialize(path: .init(model: model), body: .json(.InitializeByRules(.init(seed: seed, rules: rules)))).ok.body
            .json
    }

    func check(_ condition: Bool, _ claim: @autoclosure () -> String) throws {
        guard condition else { throw WalkthroughFailure(claim()) }
    }
}

/// A step that did not give what the chapter says.
struct WalkthroughFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = "not so: \(description)" }
}
