import Dispatch
import JSON
import NeuralNet
import Synchronization
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

    @Test func aBatchTakesAtMostItsRowLimitAndTheRestRunAlone() async throws {
        let state = try Self.state(spec: Self.mlp)
        // 8 rows each: four fill a batch of 32; the others run alone.
        let inputs = (0..<6).map { Self.input(rows: ForwardCoalescer.maxRequestRows, width: 784, seed: 100 + $0) }
        let (results, passes) = try await Self.runTogether(inputs, state: state)
        #expect(passes == [4])
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

    // MARK: Support

    static let mlp = try! JSONValue(
        parsing: Array(
            #"{"type": "sequential", "layers": [{"type": "linear", "in": 784, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 10}]}"#
                .utf8))

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

    /// Starts one task per input on a serial executor held back until all are queued, the way
    /// an event loop runs the requests of one turn, and returns each result and the size of
    /// every joint pass.
    static func runTogether(
        _ inputs: [Tensor], states: [ModelState], slot: ModelOwner
    ) async throws -> ([Result<ForwardResult, any Error>], [Int]) {
        let passes = Mutex<[Int]>([])
        let coalescer = ForwardCoalescer(onBatch: { count in passes.withLock { $0.append(count) } })
        let executor = SerialTaskExecutor()
        executor.hold()
        let tasks = zip(inputs, states).map { input, state in
            Task(executorPreference: executor) {
                await Result { try await coalescer.forward(input, state: state, slot: slot) }
            }
        }
        executor.release()
        var results: [Result<ForwardResult, any Error>] = []
        for task in tasks { results.append(await task.value) }
        return (results, passes.withLock { $0 })
    }
}

/// One thread's worth of FIFO task execution, which can be held while work is queued.
final class SerialTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "paramd.test.serial-executor")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    func hold() { queue.suspend() }
    func release() { queue.resume() }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
