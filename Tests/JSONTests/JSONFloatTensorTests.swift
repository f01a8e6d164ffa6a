import Testing
@testable import JSON

/// The tensor fast path: nested numeric arrays straight to a flat Float buffer and a shape.
struct JSONFloatTensorTests {
    static let shapes: [(String, [Int], [Float])] = [
        ("3.5", [], [3.5]),
        ("[]", [0], []),
        ("[[]]", [1, 0], []),
        ("[[], []]", [2, 0], []),
        ("[1, 2.5, -3e2]", [3], [1, 2.5, -300]),
        ("[[1,2,3],[4,5,6]]", [2, 3], [1, 2, 3, 4, 5, 6]),
        (" [ [ [1] , [2] ] , [ [3] , [4] ] ] ", [2, 2, 1], [1, 2, 3, 4]),
        ("[[[]],[[]]]", [2, 1, 0], [])
    ]

    @Test(arguments: shapes)
    func decodesShapeAndRowMajorValues(text: String, shape: [Int], values: [Float]) throws {
        let tensor = try JSONFloatTensor(parsing: Array(text.utf8))
        #expect(tensor.shape == shape)
        #expect(tensor.values == values)
    }

    static let refused: [(String, JSONError)] = [
        ("[[1,2],[3]]", .raggedArray(index: [1], expected: 2, found: 1, at(9))),
        ("[[1,2],[3,4,5]]", .raggedArray(index: [1], expected: 2, found: 3, at(13))),
        ("[[[1],[2]],[[3]]]", .raggedArray(index: [1], expected: 2, found: 1, at(15))),
        ("[[[1,2]],[[3]]]", .raggedArray(index: [1, 0], expected: 2, found: 1, at(12))),
        ("[[1],[]]", .raggedArray(index: [1], expected: 1, found: 0, at(6))),
        ("[[],[1]]", .raggedArray(index: [1], expected: 0, found: 1, at(6))),
        ("[1,[2]]", .inconsistentNesting(index: [1], at(3))),
        ("[[1],2]", .inconsistentNesting(index: [1], at(5))),
        ("[[],[[1]]]", .inconsistentNesting(index: [1, 0], at(5))),
        ("[1,null]", .notANumber(index: [1], at(3))),
        ("[[1],[\"2\"]]", .notANumber(index: [1, 0], at(6))),
        ("{\"a\":1}", .notANumber(index: [], at(0))),
        ("[1e39]", .elementOutOfRange(index: [0], at(1))),
        ("[[0],[-1e39]]", .elementOutOfRange(index: [1, 0], at(6))),
        ("[1e400]", .elementOutOfRange(index: [0], at(1))),
        ("[1,]", .trailingComma(at(3))),
        ("[1 2]", .unexpectedByte(UInt8(ascii: "2"), expected: .commaOrArrayEnd, at(3))),
        ("[NaN]", .unexpectedByte(UInt8(ascii: "N"), expected: .number, at(1))),
        ("[01]", .leadingZero(at(1))),
        ("[[1],[2]", .unexpectedEnd(at(8))),
        ("[1] 2", .trailingData(at(4)))
    ]

    @Test(arguments: refused)
    func refusesWithIndexAndPlace(text: String, expected: JSONError) {
        #expect(tensorError(text) == expected, "\(text)")
    }

    @Test func namesTheRaggedRowInItsMessage() {
        let error = tensorError("[[1,2],[3]]")
        #expect(
            error?.reason == "the array at [1] has 1 elements but earlier arrays at the same depth have 2: "
                + "a tensor must be rectangular")
    }

    @Test func enforcesElementAndDepthLimits() {
        let limits = JSONLimits(maxDepth: 3, maxTensorElements: 3)
        #expect(tensorError("[1,2,3]", limits: limits) == nil)
        #expect(tensorError("[1,2,3,4]", limits: limits) == .tooManyElements(limit: 3, at(8)))
        #expect(tensorError("[[[1]]]", limits: limits) == nil)
        #expect(tensorError("[[[[1]]]]", limits: limits) == .tooDeep(limit: 3, at(3)))
        #expect(tensorError(String(repeating: "[", count: 100_000)) == .tooDeep(limit: 512, at(512)))
    }

    @Test func roundTripsRandomFloatsBitForBit() throws {
        var generator = SplitMix64(state: 9)
        for shape in [[0], [1], [7], [3, 5], [2, 3, 4], [64, 784]] {
            let count = shape.reduce(1, *)
            let values = (0..<count).map { _ -> Float in
                var value: Float
                repeat {
                    value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))
                } while !value.isFinite
                return value
            }
            let tensor = JSONFloatTensor(shape: shape, values: values)
            let decoded = try JSONFloatTensor(parsing: tensor.jsonBytes)
            #expect(decoded.shape == shape)
            #expect(decoded.values.map(\.bitPattern) == values.map(\.bitPattern))
        }
    }
}
