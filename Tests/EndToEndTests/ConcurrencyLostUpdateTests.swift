import Foundation
import Testing

/// Concurrent read-modify-write never loses an update: blind PATCH `add`s are serialized by
/// the model's write lock, and clients that read, compute and write back with `If-Match`
/// either succeed on the version they read or get a 412 and retry.
@Suite(.serialized)
struct ConcurrencyLostUpdateTests {
    static let clients = 10
    static let incrementsPerClient = 8

    @Test func concurrentAddsAreAllApplied() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        try Self.createCounter(server)
        let applied = ClientThreads.run(Self.clients) { _ -> (ok: Int, failures: [String]) in
            var ok = 0
            var failures: [String] = []
            for _ in 0..<Self.incrementsPerClient {
                do {
                    let response = try server.wire(
                        "PATCH", "/v1/models/counter/parameters/2.bias", #"{"op": "add", "value": 1, "slice": "1"}"#)
                    if response.status == 200 { ok += 1 } else { failures.append("\(response.status) \(response.text.prefix(200))") }
                } catch {
                    failures.append("\(error)")
                }
            }
            return (ok, failures)
        }
        let successes = applied.reduce(0) { $0 + $1.ok }
        #expect(applied.flatMap(\.failures).isEmpty, "\(applied.flatMap(\.failures).prefix(5))")
        let state = try DurabilityLedger.readState("counter", from: server)
        #expect(
            state.values["2.bias"] == [0, Double(successes)],
            "\(successes) adds answered 200, the counter holds \(state.values["2.bias"] ?? [])")
        #expect(state.version == 2 + successes, "version \(state.version) after \(successes) writes on version 2")
    }

    @Test func ifMatchReadModifyWriteLosesNoUpdate() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        try Self.createCounter(server)
        let results = ClientThreads.run(Self.clients) { _ -> (ok: Int, conflicts: Int, failures: [String]) in
            var ok = 0
            var conflicts = 0
            var failures: [String] = []
            var attempts = 0
            while ok < Self.incrementsPerClient && attempts < 400 {
                attempts += 1
                do {
                    let read = try server.wire("GET", "/v1/models/counter/parameters/2.bias")
                    guard read.status == 200, let etag = read.header("ETag"), let value = TensorJSON.flatten(read.object["value"])?.first
                    else {
                        failures.append("read: \(read.status) \(read.text.prefix(200))")
                        continue
                    }
                    let write = try server.wire(
                        "PATCH", "/v1/models/counter/parameters/2.bias", #"{"op": "set", "index": [0], "value": \#(Int(value) + 1)}"#,
                        headers: [("If-Match", etag)])
                    switch write.status {
                    case 200: ok += 1
                    case 412:
                        conflicts += 1
                        if !write.isProblem || write.header("ETag") == nil {
                            failures.append("a 412 without problem+json or the current ETag: \(write.headers) \(write.text.prefix(200))")
                        }
                    default: failures.append("write: \(write.status) \(write.text.prefix(200))")
                    }
                } catch {
                    failures.append("\(error)")
                }
            }
            return (ok, conflicts, failures)
        }
        let successes = results.reduce(0) { $0 + $1.ok }
        let conflicts = results.reduce(0) { $0 + $1.conflicts }
        print("ConcurrencyLostUpdateTests: \(successes) conditional writes, \(conflicts) answered 412 and retried")
        #expect(results.flatMap(\.failures).isEmpty, "\(results.flatMap(\.failures).prefix(5))")
        #expect(successes == Self.clients * Self.incrementsPerClient, "only \(successes) increments within the attempt bound")
        let state = try DurabilityLedger.readState("counter", from: server)
        #expect(
            state.values["2.bias"] == [Double(successes), 0],
            "\(successes) conditional increments, the counter holds \(state.values["2.bias"] ?? [])")
    }

    /// `counter`: the small MLP with 2.bias set to [0, 0] (version 2).
    static func createCounter(_ server: ServerProcess) throws {
        let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("counter"))
        try #require(created.status == 201, "\(created.text)")
        let zeroed = try server.wire("PUT", "/v1/models/counter/parameters/2.bias", #"{"value": [0, 0]}"#)
        try #require(zeroed.status == 200 && zeroed.etagVersion == 2, "\(zeroed.text)")
    }
}
