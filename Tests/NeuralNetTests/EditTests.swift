import NeuralNet
import Testing

/// Direct edits: the chapter's `data[:] += 1` and `data[0, 0] = 42`, atomic per call.
struct EditTests {
    @Test func addAndSetElementAsInTheChapter() throws {
        var net = try Model(spec: mlpSpec, seed: 0)
        let before = try net.parameter("0.weight").value
        try net.edit("0.weight", [.add(.scalar(1)), .setElement(index: [0, 0], value: 42)])
        let after = try net.parameter("0.weight").value
        #expect(after.scalars[0] == 42)
        #expect(after.scalars[1] == before.scalars[1] + 1)
    }

    @Test func editsThroughOneTiedPathAreSeenThroughTheOther() throws {
        var net = try Model(spec: tiedSpec, seed: 0)
        try net.edit("4.weight", [.setElement(index: [0, 0], value: 100)])
        #expect(try net.parameter("2.weight").value.scalars[0] == 100)
        try net.edit("2.weight", [.multiply(.scalar(2))])
        #expect(try net.parameter("4.weight").value.scalars[0] == 200)
    }

    @Test func sliceSetFillAndReplace() throws {
        var net = try Model(spec: mlpSpec, seed: 0)
        try net.edit("0.weight", [.setSlice(try TensorSlice(parsing: "1:3, 0"), .scalar(7))])
        var w = try net.parameter("0.weight").value
        #expect(w.scalars[4] == 7 && w.scalars[8] == 7 && w.scalars[12] != 7)
        try net.edit("0.weight", [.setSlice(try TensorSlice(parsing: "-1"), .tensor(tensor([4], [1, 2, 3, 4])))])
        w = try net.parameter("0.weight").value
        #expect(Array(w.scalars.suffix(4)) == [1, 2, 3, 4])
        try net.edit("2.bias", [.fill(0.5)])
        #expect(try net.parameter("2.bias").value.scalars == [0.5])
        try net.replace("2.weight", with: Tensor(shape: [1, 8], repeating: 3))
        #expect(try net.parameter("2.weight").value.scalars == Array(repeating: 3, count: 8))
    }

    @Test func failingEditListChangesNothing() throws {
        var net = try Model(spec: mlpSpec, seed: 0)
        let before = net.store
        let error = thrownError { try net.edit("0.bias", [.fill(9), .setElement(index: [8], value: 1)]) }
        #expect(error == .indexOutOfRange(path: "0.bias", index: "[8]", shape: [8]))
        #expect(error?.description == "index [8] is outside '0.bias', whose shape is [8]")
        #expect(net.store == before)
    }

    @Test func wrongShapeNamesBothShapes() throws {
        var net = try Model(spec: mlpSpec, seed: 0)
        let error = thrownError { try net.replace("0.weight", with: Tensor(zeros: [4, 8])) }
        #expect(error?.description == "'0.weight' has shape [8, 4] but the value given has shape [4, 8]")
        #expect(error?.category == .cannotApply)
        #expect(expectError(.unknownParameter(path: "5.weight")) { try net.replace("5.weight", with: Tensor(zeros: [1])) })
    }

    @Test func snapshotsDoNotSeeLaterWrites() throws {
        var net = try Model(spec: mlpSpec, seed: 0)
        let snapshot = net
        try net.edit("0.weight", [.fill(1)])
        #expect(try snapshot.parameter("0.weight").value != net.parameter("0.weight").value)
        #expect(try snapshot.parameter("2.weight").value == net.parameter("2.weight").value)
    }

    @Test func sliceReadsRowsAndElements() throws {
        let t = tensor([2, 3], [1, 2, 3, 4, 5, 6])
        #expect(try t.sliced(TensorSlice(parsing: "1")) == tensor([3], [4, 5, 6]))
        #expect(try t.sliced(TensorSlice(parsing: ":, 1:")) == tensor([2, 2], [2, 3, 5, 6]))
        #expect(try t.sliced(TensorSlice(parsing: "0, -1")) == tensor([], [3]))
        #expect(thrownError { _ = try TensorSlice(parsing: "0::2") }?.category == .badRequest)
        #expect(
            thrownError { _ = try TensorSlice(parsing: "a") }?.description
                == "slice 'a' is not a slice: 'a' is not an integer (use forms like 0, 1:3, :, -1)")
        #expect(thrownError { _ = try t.sliced(TensorSlice(parsing: "2")) }?.category == .cannotApply)
    }
}

/// Slices over every dimension layout, against a direct index computation.
struct TensorSliceTests {
    @Test(arguments: ["0", "1:3", ":, 1", "-1, 2:", "1:2, 0:4, 3", ":, :, :", "2:2", "0, 1, 2"])
    func readsTheElementsNumpyWould(_ text: String) throws {
        let t = tensor([3, 4, 5], (0..<60).map(Float.init))
        let slice = try TensorSlice(parsing: text)
        let got = try t.sliced(slice)
        // Reference: test every index for membership.
        var expected: [Float] = []
        var shape: [Int] = []
        for (d, size) in [3, 4, 5].enumerated() {
            if d < slice.components.count, case .index = slice.components[d] { continue }
            if d < slice.components.count, case .range(let s, let e) = slice.components[d] {
                let lo = min(max((s ?? 0) < 0 ? (s ?? 0) + size : (s ?? 0), 0), size)
                let hi = max(min(max((e ?? size) < 0 ? (e ?? size) + size : (e ?? size), 0), size), lo)
                shape.append(hi - lo)
            } else {
                shape.append(size)
            }
        }
        func selected(_ d: Int, _ i: Int) -> Bool {
            guard d < slice.components.count else { return true }
            let size = [3, 4, 5][d]
            switch slice.components[d] {
            case .index(let k): return i == (k < 0 ? k + size : k)
            case .range(let s, let e):
                let lo = min(max((s ?? 0) < 0 ? (s ?? 0) + size : (s ?? 0), 0), size)
                let hi = min(max((e ?? size) < 0 ? (e ?? size) + size : (e ?? size), 0), size)
                return i >= lo && i < hi
            }
        }
        for a in 0..<3 where selected(0, a) {
            for b in 0..<4 where selected(1, b) {
                for c in 0..<5 where selected(2, c) { expected.append(Float(a * 20 + b * 5 + c)) }
            }
        }
        #expect(got.shape == shape)
        #expect(got.scalars == expected)
    }
}
