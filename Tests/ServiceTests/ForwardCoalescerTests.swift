import HTTP
import JSON
import NeuralNet
import TestSupport
import Testing
@testable import Service

/// Small forwards queued together share one pass, and each still gets exactly the bits it
/// would get alone.
struct ForwardCoalescerTests {
    @Test func queuedForwardsShareAPassAndGetTheirOwnBitsBack() async throws {
        let state = try Self.state(spec: Self.mlp)
        let inputs = (0..<20).map { Self.input(rows: 1 + $0 % 3, width: 784, seed: $0) }
        let (results, passes) = try await Self.runTogether(inputs, state: state)
        #expect(passes.reduce(0, +) > 1, "joint passes: \(passes)")
        #expect(passes.allSatisfy { $0 >= 2 })
        for (input, result) in zip(inputs, results) {
            let alone = try state.model.forward(input)
            #expect(try result.get().output.shape == alone.output.shape)
            #expect(try Self.bits(result.get().output) == Self.bits(alone.output))
        }
    }

    @Test func aBatchTakesAtMostItsRowLimitAndTheRestFormTheNext() async throws {
        let state = try Self.state(spec: Self.mlp)
        // 8 rows each: four fill a batch of 32; the other two share the next.
        let inputs = (0..<6).map { Self.input(rows: ForwardCoalescer.maxRequestRows, width: 784, seed: 100 + $0) }
        let (results, passes) = try await Self.runTogether(inputs, state: state)
        #expect(passes.sorted() == [2, 4])
        for (input, result) in zip(inputs, results) {
            #expect(try Self.bits(result.get().output) == Self.bits(state.model.forward(input).output))
        }
    }

    @Test func aFailingJointPassAnswersEachRequestAlone() async throws {
        let state = try Self.state(spec: Self.mlp)
        // All the same wrong width: they join, the joint pass fails, each gets its own error.
        let inputs = (0..<5).map { Self.input(rows: 1 + $0 % 2, width: 783, seed: $0) }
        let (results, passes) = try await Self.runTogether(inputs, state: state)
        #expect(passes.isEmpty)
        for (input, result) in zip(inputs, results) {
            #expect(throws: NeuralNetError.self) { try result.get() }
            if case .failure(let error) = result {
                #expect(String(describing: error).contains("\(input.shape[0])"))
            }
        }
    }

    @Test func aPassThatWouldMaterializeDeferredLayersRunsEachRequestAlone() async throws {
        let state = try Self.state(
            spec: try JSONValue(
                parsing: Array(
                    #"{"type": "sequential", "layers": [{"type": "linear", "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 2}]}"#
                        .utf8)))
        let inputs = (0..<4).map { Self.input(rows: 1, width: 5, seed: $0) }
        let (results, passes) = try await Self.runTogether(inputs, state: state)
        #expect(passes.isEmpty)
        for result in results { #expect(try result.get().materializedModel != nil) }
    }

    @Test func differentVersionsNeverShareAPass() async throws {
        let first = try Self.state(spec: Self.mlp)
        let second = ModelState(name: first.name, version: 2, model: first.model, document: first.document)
        let slot = ModelOwner(first, store: MemoryModelStore())
        let inputs = (0..<6).map { Self.input(rows: 1, width: 784, seed: $0) }
        let (_, passes) = try await Self.runTogether(inputs, states: inputs.indices.map { $0 % 2 == 0 ? first : second }, slot: slot)
        #expect(passes.sorted() == [3, 3])
    }

    /// The router's rule for a single pass of the same cost: a joint pass within the loop's
    /// budget runs where the turn ends, in place; a costlier one in a task on the pool.
    @Test func aJointPassRunsInPlaceWithinTheBudgetAndOnThePoolBeyondIt() async throws {
        let small = try Self.state(spec: Self.mlp)
        // 4.2 M weights: two rows cost about 340 µs, beyond the 200 µs budget.
        let big = try Self.state(spec: try JSONValue(parsing: Array(#"{"type": "linear", "in": 2048, "out": 2048}"#.utf8)))
        let caller = withUnsafeCurrentTask { $0?.hashValue }
        for (state, width, inPlace) in [(small, 784, true), (big, 2048, false)] {
            let coalescer = ForwardCoalescer()
            let slot = ModelOwner(state, store: MemoryModelStore())
            let turn = HeldTurn()
            let ranIn = Locked<[Int?]>([])
            for seed in 0..<2 {
                coalescer.join(Self.input(rows: 1, width: width, seed: seed), state: state, slot: slot, turn: turn) { _ in
                    ranIn.withLock { $0.append(withUnsafeCurrentTask { $0?.hashValue }) }
                }
            }
            turn.end()
            try await waitUntil { ranIn.withLock { $0.count } == 2 }
            for task in ranIn.withLock({ $0 }) {
                #expect(
                    (task == caller) == inPlace, "rows \(width): ran in \(String(describing: task)), caller \(String(describing: caller))")
            }
        }
    }

    /// A request whose own rows are not finite fails alone: the others of its pass get their
    /// exact rows.
    @Test func anErrorInOneJoinedRequestLeavesTheOthersAlone() async throws {
        let harness = await ServiceHarness()
        let created = try await harness.send(.post, "/v1/models", json: #"{"name": "m", "seed": 0, "spec": \#(Self.mlpText)}"#)
        try #require(created.status == 201)
        let slot = try harness.service.registry.slot(named: "m")
        let state = try slot.state()
        var inputs = (0..<5).map { Self.input(rows: 1, width: 784, seed: $0) }
        inputs[2] = try Tensor(shape: [1, 784], scalars: Array(repeating: 3e38, count: 784))
        let turn = HeldTurn()
        let outcomes = Locked<[Int: Result<[UInt32], any Error>]>([:])
        for (index, input) in inputs.enumerated() {
            try harness.service.forwardPass(ForwardSnapshot(slot: slot, state: state), Inputs(inputs: input), turn: turn) { outcome in
                outcomes.withLock { $0[index] = outcome.map { Self.bits($0.result.output) } }
            }
        }
        turn.end()
        try await waitUntil { outcomes.withLock { $0.count } == inputs.count }
        for (index, input) in inputs.enumerated() {
            let outcome = outcomes.withLock { $0[index]! }
            if index == 2 {
                #expect(throws: Problem.self) { try outcome.get() }
            } else {
                #expect(try outcome.get() == Self.bits(state.model.forward(input).output))
            }
        }
        #expect(String(decoding: harness.service.metrics.render(), as: UTF8.self).contains("paramd_forward_joint_requests_count 1"))
    }

    struct Inputs: ForwardInputs {
        var inputs: Tensor
        var capture: [String] { [] }
    }

    // MARK: Support

    static let mlpText =
        #"{"type": "sequential", "layers": [{"type": "linear", "in": 784, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 10}]}"#
    static let mlp = try! JSONValue(parsing: Array(mlpText.utf8))

    static func state(spec: JSONValue) throws -> ModelState {
        ModelState(name: "m", version: 1, model: try Model(spec: spec, seed: 0), document: .object([:]))
    }

    static func input(rows: Int, width: Int, seed: Int) -> Tensor {
        var generator = seed &* 2_654_435_761 &+ 12345
        let values = (0..<rows * width).map { _ -> Float in
            generator = generator &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float((generator >> 33) & 0xFFFF) / 65536 - 0.5
        }
        return try! Tensor(shape: [rows, width], scalars: values)
    }

    static func bits(_ tensor: Tensor) -> [UInt32] { tensor.scalars.map(\.bitPattern) }

    static func runTogether(_ inputs: [Tensor], state: ModelState) async throws -> ([Result<ForwardResult, any Error>], [Int]) {
        try await runTogether(inputs, states: inputs.map { _ in state }, slot: ModelOwner(state, store: MemoryModelStore()))
    }

    /// Joins every input in one turn, the way an event loop reads the requests of a turn, then
    /// ends the turn and returns each result and the size of every joint pass.
    static func runTogether(
        _ inputs: [Tensor], states: [ModelState], slot: ModelOwner
    ) async throws -> ([Result<ForwardResult, any Error>], [Int]) {
        let passes = Locked<[Int]>([])
        let coalescer = ForwardCoalescer(onBatch: { count in passes.withLock { $0.append(count) } })
        let turn = HeldTurn()
        let results = Locked<[Int: Result<ForwardResult, any Error>]>([:])
        for (index, (input, state)) in zip(inputs, states).enumerated() {
            coalescer.join(input, state: state, slot: slot, turn: turn) { result in results.withLock { $0[index] = result } }
        }
        #expect(results.withLock { $0.isEmpty }, "a request ran before its turn ended")
        turn.end()
        try await waitUntil { results.withLock { $0.count } == inputs.count }
        return (results.withLock { results in inputs.indices.map { results[$0]! } }, passes.withLock { $0 })
    }
}

/// A loop's turn that ends when the test says so.
final class HeldTurn: LoopTurn {
    private let work = Locked<[@Sendable () -> Void]>([])
    private let key = Key()
    var loopIdentity: ObjectIdentifier? { ObjectIdentifier(key) }
    func afterTurn(_ work: @escaping @Sendable () -> Void) { self.work.withLock { $0.append(work) } }
    /// Runs what waited for the end of the turn, here.
    func end() {
        for work in work.withLock({ work in
            defer { work = [] }; return work
        }) { work() }
    }

    private final class Key: Sendable {}
}
