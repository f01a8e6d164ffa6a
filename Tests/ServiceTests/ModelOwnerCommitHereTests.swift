import HTTP
import NeuralNet
import TestSupport
import Testing
@testable import Service

/// A write submitted with `commitsHere` that finds the line idle is committed by its caller
/// inside `outcome()`, on the caller's thread, rather than by the model's queue: durable before
/// `outcome()` returns, as any write; writes queued behind it are committed with it or handed
/// to the queue afterwards, never left waiting; once writers have met in one batch, writes go
/// to the queue again (its group commit) even when asked to commit here.
struct ModelOwnerCommitHereTests {
    /// `set` of one element of 0.weight, as PATCH queues it.
    static func setting(row: Int, to value: Float) -> @Sendable (ModelState) throws -> ModelOwner.Change<Bool> {
        let operations: [PatchOperation] = [.set(index: [row, 0], slice: nil, value: .scalar(value))]
        return { state in
            let run = try #require(try PatchOperation.run(operations, in: state.model, path: "0.weight"))
            return .durableRun(path: "0.weight", run, true)
        }
    }

    @Test func aWriteThatTakesTheIdleLineIsCommittedByItsCaller() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let (store, owner) = try await ModelOwnerInPlaceTests.makeOwner(in: scratch)

        let (pending, isAlone) = owner.submit(condition: nil, commitsHere: true, Self.setting(row: 1, to: 42))
        #expect(isAlone)
        // No drain task took it: it waits for its caller, and nothing is stored yet.
        #expect(owner.queuedCount == 1)
        #expect(try store.directory.load("m").version == 1)

        let (state, _) = try await pending.outcome()
        #expect(state.version == 2)
        #expect(owner.queuedCount == 0)
        #expect(try owner.state().model.parameter("0.weight").value.scalars[64] == 42)
        let stored = try store.directory.load("m")
        #expect(stored.version == 2)
        #expect(stored.tensors.first { $0.name == "0.weight" }?.values[64] == 42)

        // The line is free again: the next write is committed (by the queue) as usual.
        #expect(try await owner.modify(condition: nil, Self.setting(row: 2, to: 7)).state.version == 3)
    }

    @Test func writesQueuedWhileTheCallerCommitsGoToTheQueueAfterIt() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let (store, owner) = try await ModelOwnerInPlaceTests.makeOwner(in: scratch)
        let queuedMeanwhile = Locked<PendingWrite<Bool>?>(nil)

        // Queued before the caller takes its batch: committed with it, in that one commit.
        let (first, _) = owner.submit(condition: nil, commitsHere: true, Self.setting(row: 1, to: 1))
        let (second, secondIsAlone) = owner.submit(condition: nil, commitsHere: true, Self.setting(row: 2, to: 2))
        #expect(!secondIsAlone)
        // Queued while the batch is being applied (from inside it): left for a drain task.
        let (third, _) = owner.submit(condition: nil) { state in
            let (meanwhile, _) = owner.submit(condition: nil, Self.setting(row: 4, to: 4))
            queuedMeanwhile.withLock { $0 = meanwhile }
            return try Self.setting(row: 3, to: 3)(state)
        }

        #expect(try await first.outcome().state.version == 2)
        #expect(try await second.outcome().state.version == 3)
        #expect(try await third.outcome().state.version == 4)
        let meanwhile = try #require(queuedMeanwhile.withLock { $0 })
        #expect(try await meanwhile.outcome().state.version == 5)
        let stored = try store.directory.load("m")
        #expect(stored.version == 5)
        let values = try #require(stored.tensors.first { $0.name == "0.weight" }?.values)
        #expect([values[64], values[128], values[192], values[256]] == [1, 2, 3, 4])
    }

    @Test func afterABatchOfSeveralWritesTheQueueCommitsEvenWhenAskedToCommitHere() async throws {
        let scratch = ScratchDirectory()
        defer { scratch.remove() }
        let (store, owner) = try await ModelOwnerInPlaceTests.makeOwner(in: scratch)
        let (first, _) = owner.submit(condition: nil, commitsHere: true, Self.setting(row: 1, to: 1))
        let (second, _) = owner.submit(condition: nil, commitsHere: true, Self.setting(row: 2, to: 2))
        #expect(try await first.outcome().state.version == 2)
        #expect(try await second.outcome().state.version == 3)

        // Writers met in that batch: this write is committed by a drain task, without waiting
        // for its caller to ask for the outcome.
        let (third, isAlone) = owner.submit(condition: nil, commitsHere: true, Self.setting(row: 3, to: 3))
        #expect(isAlone)
        try await waitUntil { try store.directory.load("m").version == 4 }
        #expect(try await third.outcome().state.version == 4)
    }
}
