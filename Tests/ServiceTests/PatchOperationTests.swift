import JSON
import NeuralNet
import Testing
@testable import Service

/// `PatchOperation.parseBody`: the tree checks each operation, the numbers come from the body's
/// text once, in step with the operations.
struct PatchOperationTests {
    @Test func eachOperationGetsItsOwnValueFromTheText() throws {
        let body = #"""
            {"ops": [{"op": "set", "slice": "0", "value": [1, 2.5, 3, 4]}, {"value": 0.1, "op": "mul"},
                     {"op": "set", "index": [0, 1], "value": -7}, {"op": "fill", "slice": "1", "value": 1e-3}]}
            """#
        let operations = try PatchOperation.parseBody(Array(body.utf8))
        #expect(operations.count == 4)
        guard case .set(nil, _?, .tensor(let tensor)) = operations[0] else { Issue.record("\(operations[0])"); return }
        #expect(tensor.shape == [4] && tensor.scalars == [1, 2.5, 3, 4])
        guard case .multiply(let factor, nil) = operations[1] else { Issue.record("\(operations[1])"); return }
        #expect(factor == Float("0.1"))
        guard case .set([0, 1], nil, .scalar(let element)) = operations[2] else { Issue.record("\(operations[2])"); return }
        #expect(element == -7)
        guard case .fill(let filler, _?) = operations[3] else { Issue.record("\(operations[3])"); return }
        #expect(filler == Float("1e-3"))
    }

    /// A value that does not read fails with its place in the body, not in a copy of the value.
    @Test func aNonNumberInATensorIsReportedWhereTheBodyHasIt() throws {
        let body = #"{"ops": [{"op": "add", "value": 1}, {"op": "set", "value": [[1, 2], [3, "x"]]}]}"#
        let offset = try #require(Array(body.utf8).firstIndex(of: UInt8(ascii: "x"))) - 1  // the opening quote
        do {
            _ = try PatchOperation.parseBody(Array(body.utf8))
            Issue.record("parsed")
        } catch let error as JSONError {
            #expect(error.location?.offset == offset, "\(error)")
            #expect(error.location?.column == offset + 1)
            #expect(Problem(error).status == 400)
        }
    }

    @Test func aRaggedTensorIsA422AtItsPlace() throws {
        let body = #"{"op": "set", "value": [[1, 2], [3]]}"#
        #expect(Problem(try #require(throws: JSONError.self) { try PatchOperation.parseBody(Array(body.utf8)) }).status == 422)
    }

    /// The tree's checks come before the text's reading: a number beyond float32 is named as such.
    @Test func theTreesChecksComeFirst() throws {
        for body in [#"{"op": "add", "value": 1e39}"#, #"{"op": "set", "value": 1e39}"#] {
            let error = try #require(throws: Problem.self) { try PatchOperation.parseBody(Array(body.utf8)) }
            #expect(error.slug == "out-of-range", "\(body)")
        }
        let unknownMember = #"{"op": "set", "value": [[1], [2, 3]], "extra": 1}"#
        let error = try #require(throws: Problem.self) { try PatchOperation.parseBody(Array(unknownMember.utf8)) }
        #expect(error.status == 400, "the unknown member, not the ragged value")
    }
}
