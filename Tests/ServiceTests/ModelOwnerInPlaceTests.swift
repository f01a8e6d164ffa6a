import JSON
import NeuralNet
import Testing
@testable import Service

/// A durable PATCH of a few elements is written into the model after its log record is durable:
/// in place when no reader holds the tensor (no copy of a 64 MB weight per PATCH), into a copy
/// when one does (the reader's snapshot never changes under it). Against the real file store,
/// which lends the tensors to the owner and keeps none of its own.
struct ModelOwnerInPlaceTests {
    static let spec = try! JSONValue(
        parsing: Array(#"{"type": "sequential", "layers": [{"type": "linear", "in": 64, "out": 32}]}"#.utf8))

    /// A stored model and its owner; nothing else holds its tensors when this returns.
    static func makeOwner(in scratch: ScratchDirectory, policy: CheckpointPolicy = CheckpointPolicy()) async throws -> (
        FileModelStore, ModelOwner
    ) {
        let store = try FileModelStore(root: scratch.path, checkpointPolicy: policy)
        let state = ModelState(name: "m", version: 1, model: try Model(spec: Self.spec, seed: 0), document: .object(["spec": Self.spec]))
        try await store.apply(.create(try state.stored))
        return (store, ModelOwner(state, store: store))
    }

    /// `set` of one element of 0.weight, as PATCH sends it.
    static func set(_ owner: ModelOwner, row: Int, column: Int, to value: Float) async throws -> ModelState {
        let operations: [PatchOperation] = [.set(index: [row, column], slice: nil, value: .scalar(value))]
        return try await owner.modify(condition: nil) { state -> ModelOwner.Change<Bool> in
            let run = try #require(try PatchOperation.run(operations, in: state.model, path: "0.weight"))
            return .durableRun(path: "0.weight", run, true)
        }.state
    }

    static func address(_ owner: ModelOwner) throws -> UInt {
        try owner.state().model.parameter("0.weight").value.scalars.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }

    static func weight(_ owner: ModelOwner) throws -> [Float] { try owner.state().model.parameter("0.weight").value.scalars }

    @Test func anEditOfAnUnsharedTensorIsWrittenInPlace() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let (store, owner) = try await Self.makeOwner(in: scratch)
        let before = try Self.address(owner)

        let after = try await Self.set(owner, row: 1, column: 2, to: 42).version
        #expect(after == 2)
        #expect(try Self.address(owner) == before)
        #expect(try Self.weight(owner)[66] == 42)
        // The log holds the edit (what a restart replays).
        let stored = try store.directory.load("m")
        #expect(stored.version == 2)
        #expect(stored.tensors.first { $0.name == "0.weight" }?.values == (try Self.weight(owner)))
    }

    @Test func anEditOfATensorAReaderHoldsLeavesTheReadersSnapshotAlone() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let (_, owner) = try await Self.makeOwner(in: scratch)
        var held: ModelState? = try owner.state()
        let heldValues = try held!.model.parameter("0.weight").value.scalars
        let before = try Self.address(owner)

        _ = try await Self.set(owner, row: 1, column: 2, to: 42)
        #expect(try held!.model.parameter("0.weight").value.scalars == heldValues)
        #expect(held!.version == 1)
        let copied = try Self.address(owner)
        #expect(copied != before)
        #expect(try Self.weight(owner)[66] == 42)

        // Once the reader is done, the next edit writes into the copy in place.
        held = nil
        _ = try await Self.set(owner, row: 0, column: 0, to: 7)
        #expect(try Self.address(owner) == copied)
        #expect(try Self.weight(owner)[0] == 7)
        #expect(try Self.weight(owner)[66] == 42)
    }

    @Test func aCheckpointOfALentStateHoldsTheEdits() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        // Every commit asks for a checkpoint, written from the state the owner lends.
        let (store, owner) = try await Self.makeOwner(in: scratch, policy: CheckpointPolicy(fraction: 0, minimumLogBytes: 0))
        for index in 0..<20 {
            _ = try await Self.set(owner, row: index, column: index, to: Float(100 + index))
        }
        let expected = try Self.weight(owner)
        let deadline = ContinuousClock.now + .seconds(30)
        func settled() -> Bool {
            guard let log = try? scratch.read("models/m/log"), log.count == CommitLog.headerSize else { return false }
            return (try? store.directory.load("m").version) == 21
        }
        while !settled() && ContinuousClock.now < deadline { await Task.yield() }
        #expect(settled())
        #expect(try store.directory.load("m").tensors.first { $0.name == "0.weight" }?.values == expected)
        #expect(try await store.load("m", tensors: ["0.weight"]).tensors.first?.values == expected)
    }
}
