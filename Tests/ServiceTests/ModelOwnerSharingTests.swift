import JSON
import NeuralNet
import Testing
@testable import Service

/// A write that leaves a tensor's values as they were (a PATCH setting the value already
/// there) copies the tensor, and its commit stores nothing for it: the published snapshot must
/// give the copy up for the store's buffer, or a second copy of the tensor stays in memory
/// until the tensor next changes (64 MB for a 4096×4096 weight).
struct ModelOwnerSharingTests {
    static let spec = try! JSONValue(
        parsing: Array(#"{"type": "sequential", "layers": [{"type": "linear", "in": 64, "out": 32}]}"#.utf8))

    @Test func anEditThatChangesNothingKeepsTheStoredBuffer() async throws {
        let first = ModelState(name: "m", version: 1, model: try Model(spec: Self.spec, seed: 0), document: .object([:]))
        let store = MemoryModelStore(models: [try first.stored])
        let owner = ModelOwner(first, store: store)
        let old = try first.model.parameter("0.weight").value

        let (same, _) = try await owner.write(condition: nil) { state in
            var model = state.model
            try model.edit("0.weight", [.setElement(index: [1, 2], value: old.scalars[66])])
            return (model, true)
        }
        #expect(same.version == 2)
        #expect(try same.model.parameter("0.weight").value.sharesStorage(with: old))
        #expect(try owner.state().model.parameter("0.weight").value.sharesStorage(with: old))
        let stored = try #require(store.stored("m")?.tensors.first { $0.path == "0.weight" })
        #expect(try Tensor(shape: stored.shape, scalars: stored.values).sharesStorage(with: old))

        let (changed, _) = try await owner.write(condition: nil) { state in
            var model = state.model
            try model.edit("0.weight", [.setElement(index: [1, 2], value: old.scalars[66] + 1)])
            return (model, true)
        }
        let new = try changed.model.parameter("0.weight").value
        #expect(!new.sharesStorage(with: old))
        #expect(new.scalars[66] == old.scalars[66] + 1)
    }
}
