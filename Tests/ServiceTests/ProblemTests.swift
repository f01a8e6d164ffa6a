import JSON
import Testing
@testable import Service

struct ProblemTests {
    @Test func documentHasTheRFC9457MembersAndExtensions() {
        let problem = Problem.unprocessable(
            "input has 5 features but layer 0 (linear) expects 4", slug: "input-width", path: "0",
            expected: [2, 4], actual: [2, 5])
        let document = problem.document(instance: "/v1/models/mlp/forward")
        guard case .object(let members) = document else {
            Issue.record("not an object")
            return
        }
        #expect(members["type"] == .string("https://paramd.dev/problems/input-width"))
        #expect(members["title"] == .string("Cannot apply"))
        #expect(members["status"] == .number(422))
        #expect(members["detail"] == .string("input has 5 features but layer 0 (linear) expects 4"))
        #expect(members["instance"] == .string("/v1/models/mlp/forward"))
        #expect(members["path"] == .string("0"))
        #expect(members["expected_shape"] == .array([.number(2), .number(4)]))
        #expect(members["actual_shape"] == .array([.number(2), .number(5)]))
    }

    @Test func unsupportedMediaTypeNamesWhatWasSentAndWhatIsTaken() {
        let problem = Problem.unsupportedMediaType("text/plain", accepted: ["application/json"])
        #expect(problem.status == 415)
        #expect(problem.detail == "this route takes application/json, got Content-Type text/plain")
    }
}
