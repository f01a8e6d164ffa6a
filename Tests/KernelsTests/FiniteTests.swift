import Testing

@testable import Kernels

struct FiniteTests {
    @Test("every finite float passes, however large or small")
    func finiteValuesPass() {
        let values: [Float] =
            [
                0, -0.0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                .leastNonzeroMagnitude, .leastNormalMagnitude, 1, -1
            ] + Array(repeating: 0.5, count: 1000)
        #expect(firstNonFinite(values) == nil)
        #expect(firstNonFinite([]) == nil)
    }

    @Test(
        "the first NaN or infinity is found at every position of a block and across blocks",
        arguments: [Float.nan, .infinity, -.infinity, Float(bitPattern: 0x7FC0_0001), Float(bitPattern: 0xFF80_0001)])
    func findsFirstNonFinite(_ bad: Float) {
        for count in [1, 7, 255, 256, 257, 700] {
            for position in Set([0, count / 2, count - 1]) {
                var values = [Float](repeating: 1, count: count)
                values[position] = bad
                if position + 1 < count { values[count - 1] = .nan }  // a later one must not win
                #expect(firstNonFinite(values) == position, "count \(count) position \(position)")
            }
        }
    }
}
