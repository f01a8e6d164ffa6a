import Foundation
import Synchronization
import Testing

/// The registry under races: many clients create and delete the same names at once, while
/// others read and forward through the very models being deleted.
@Suite(.serialized)
struct ConcurrencyCreateDeleteTests {
    static let racers = 12
    static let rounds = 6

    /// Each round, every racer creates the same name: exactly one 201, the rest 409; then every
    /// racer deletes it: exactly one 204, the rest 404. Nothing else, and after a restart the
    /// data directory agrees with the last acknowledged state.
    @Test func racingCreatesAndDeletesOfOneNameHaveOneWinnerEach() throws {
        var server = try ServerProcess()
        let dataDirectory = server.dataDirectory
        defer { server.stop(); try? FileManager.default.removeItem(at: dataDirectory) }
        for round in 0..<Self.rounds {
            let target = server
            let creates = ClientThreads.run(Self.racers) { racer in
                (try? target.wire("POST", "/v1/models", ReliabilitySpecs.create("contested", seed: racer)).status) ?? -1
            }
            #expect(
                creates.filter { $0 == 201 }.count == 1 && creates.filter { $0 == 409 }.count == Self.racers - 1,
                "round \(round): create statuses \(creates.sorted())")
            let described = try server.wire("GET", "/v1/models/contested")
            #expect(
                described.status == 200 && described.etagVersion == 1, "round \(round): \(described.status) \(described.text.prefix(200))")
            let deletes = ClientThreads.run(Self.racers) { _ in
                (try? target.wire("DELETE", "/v1/models/contested").status) ?? -1
            }
            #expect(
                deletes.filter { $0 == 204 }.count == 1 && deletes.filter { $0 == 404 }.count == Self.racers - 1,
                "round \(round): delete statuses \(deletes.sorted())")
            #expect(try server.wire("GET", "/v1/models/contested").status == 404)
        }
        let current = server
        let final = ClientThreads.run(Self.racers) { racer in
            (try? current.wire("POST", "/v1/models", ReliabilitySpecs.create("kept", seed: racer)).status) ?? -1
        }
        #expect(final.filter { $0 == 201 }.count == 1, "final create statuses \(final.sorted())")
        let kept = try DurabilityLedger.readState("kept", from: server)
        #expect(server.stop() == 0)
        server = try ServerProcess(dataDirectory: dataDirectory)
        try #require(server.waitUntilReady())
        #expect(try DurabilityLedger.listedNames(server) == ["kept"])
        #expect(try DurabilityLedger.readState("kept", from: server) == kept, "the winner's model is not the one stored")
    }

    /// Readers and forwarders keep hitting a model that is deleted and re-created under them:
    /// every answer is a 200 or a clean 404 problem, never a 5xx or a broken connection.
    @Test func readsDuringDeleteAreWholeOrNotFound() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("churn"))
        try #require(created.status == 201, "\(created.text)")
        let deadline = Date().addingTimeInterval(3)
        let churned = Atomic<Int>(0)
        let reports = ClientThreads.run(9) { index -> [String] in
            var failures: [String] = []
            var count = 0
            while Date() < deadline && count < 2000 {
                count += 1
                do {
                    if index == 0 {
                        let deleted = try server.wire("DELETE", "/v1/models/churn")
                        let recreated = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("churn"))
                        if deleted.status != 204 || recreated.status != 201 {
                            failures.append("churn: delete \(deleted.status), create \(recreated.status) \(recreated.text.prefix(200))")
                        }
                        churned.add(1, ordering: .relaxed)
                        continue
                    }
                    let response =
                        index % 2 == 0
                        ? try server.wire("POST", "/v1/models/churn/forward", #"{"inputs": [[1, 2, 3, 4]]}"#)
                        : try server.wire("GET", "/v1/models/churn/parameters?values=true")
                    switch response.status {
                    case 200:
                        if response.json == nil { failures.append("a 200 without a JSON body: \(response.text.prefix(200))") }
                    case 404 where response.isProblem:
                        break
                    default:
                        failures.append("\(response.status) \(response.text.prefix(200))")
                    }
                } catch {
                    failures.append("\(error)")
                }
            }
            return failures
        }
        let failures = reports.flatMap { $0 }
        #expect(churned.load(ordering: .relaxed) >= 3, "the model was barely churned")
        #expect(failures.isEmpty, "\(failures.count) failures: \(failures.prefix(6))")
        #expect(try server.wire("GET", "/v1/models/churn").status == 200)
    }
}
