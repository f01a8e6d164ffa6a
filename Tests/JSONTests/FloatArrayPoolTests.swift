import Testing
@testable import JSON

/// ``FloatArrayPool``: storage reused only when nothing else holds it, a bounded waste, a bounded
/// total, and large parsed tensors and raw copies that come out exactly as before.
struct FloatArrayPoolTests {
    static let count = FloatArrayPool.minimumCount * 2

    static func base(_ array: [Float]) -> UnsafeRawPointer? { array.withUnsafeBytes { $0.baseAddress } }

    @Test func anArrayGivenBackServesTheNextRequestOfItsSize() {
        let pool = FloatArrayPool(limitBytes: 1 << 24)
        var first = pool.emptyArray(capacity: Self.count)
        first.append(contentsOf: (0..<Self.count).map(Float.init))
        let storage = Self.base(first)
        pool.giveBack(first)
        first = []
        let second = pool.emptyArray(capacity: Self.count - 100)
        #expect(second.isEmpty)
        #expect(Self.base(second) == storage)
    }

    /// Given back while its owner still holds it: the next array is new storage, and the
    /// holder's values are never written.
    @Test func anArrayStillHeldIsNeverWrittenUnderItsHolder() {
        let pool = FloatArrayPool(limitBytes: 1 << 24)
        var held = pool.emptyArray(capacity: Self.count)
        held.append(contentsOf: (0..<Self.count).map(Float.init))
        pool.giveBack(held)
        var next = pool.emptyArray(capacity: Self.count)
        next.append(contentsOf: repeatElement(-1, count: Self.count))
        #expect(Self.base(next) != Self.base(held))
        #expect(held == (0..<Self.count).map(Float.init))
    }

    /// Gives `array` back and drops this reference to it, so the pool's is the only one.
    static func giveBack(_ array: inout [Float], to pool: FloatArrayPool) -> UnsafeRawPointer? {
        let storage = base(array)
        pool.giveBack(array)
        array = []
        return storage
    }

    @Test func aMuchLargerArrayIsNotHandedOutForASmallRequest() {
        let pool = FloatArrayPool(limitBytes: 1 << 26)
        var large = pool.emptyArray(capacity: Self.count * 4)
        let storage = Self.giveBack(&large, to: pool)
        #expect(Self.base(pool.emptyArray(capacity: Self.count)) != storage)
        #expect(Self.base(pool.emptyArray(capacity: Self.count * 4 - 10)) == storage)
    }

    @Test func aFullPoolMakesRoomByDroppingItsSmallestArrays() {
        let pool = FloatArrayPool(limitBytes: Self.count * 4 + Self.count)  // room for one
        var first = pool.emptyArray(capacity: Self.count)
        var second = pool.emptyArray(capacity: Self.count)
        _ = Self.giveBack(&first, to: pool)
        let secondStorage = Self.giveBack(&second, to: pool)  // the first (no larger) makes room
        let taken = pool.emptyArray(capacity: Self.count)
        #expect(Self.base(taken) == secondStorage)
        let next = pool.emptyArray(capacity: Self.count)
        #expect(Self.base(next) != secondStorage)
    }

    @Test func rawCopiesAndLargeParsedTensorsHoldExactlyTheirValues() throws {
        let values = (0..<Self.count).map { Float($0) * 0.25 - 7 }
        let copied = values.withUnsafeBytes { FloatArrayPool.shared.floats(copying: $0) }
        #expect(copied == values)
        // Twice, so the second parse may reuse the first's storage once it is given back.
        for _ in 0..<2 {
            let text = "[[" + values.map { "\($0)" }.joined(separator: ", ") + "]]"
            var reader = try JSONReader(Array(text.utf8))
            let tensor = try reader.readFloatTensor()
            #expect(tensor.shape == [1, Self.count])
            #expect(tensor.values == values)
            FloatArrayPool.shared.giveBack(tensor.values)
        }
    }
}
