import Foundation
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// Several clients write while the server is SIGKILLed at random moments (and, in some rounds,
/// killed again while it recovers); after each restart on the same data directory, every
/// acknowledged write is there, every model reads, and a write in flight at the kill is there
/// wholly or not at all.
///
/// Replay a failure with `PARAMD_E2E_SEED=<seed printed> swift test --filter DurabilitySIGKILL`
/// (thread timing still varies; the seed fixes the operations and the kill moments).
@Suite(.serialized)
struct DurabilitySIGKILLTests {
    static let clients = 6
    static let rounds = 4
    /// Most writes one client sends in a round; the kill normally comes well before.
    static let writesPerRound = 1500

    @Test func everyAcknowledgedWriteSurvivesSIGKILLAndRestart() throws {
        try HeavyTestGate.exclusively {
            let seed = SeededGenerator.runSeed()
            print("DurabilitySIGKILLTests seed: \(seed)")
            var random = SeededGenerator(seed: seed)
            var server = try ServerProcess()
            let dataDirectory = server.dataDirectory
            defer { server.stop(); try? FileManager.default.removeItem(at: dataDirectory) }

            for client in 0..<Self.clients {
                let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create(DurabilityLedger.ownName(client), seed: client))
                try #require(created.status == 201, "seed \(seed): \(created.text)")
            }
            let shared = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("shared", seed: 99))
            try #require(shared.status == 201, "seed \(seed): \(shared.text)")

            var ledger = try DurabilityLedger.read(from: server, clients: Self.clients)
            var acknowledgedInAll = 0
            for round in 0..<Self.rounds {
                let killAfter = Double.random(in: 0.25...1.0, using: &random)
                let clientSeeds = (0..<Self.clients).map { _ in random.next() }
                let startLedger = ledger
                let target = server
                let outcomes = ClientThreads.run(Self.clients + 1) { index -> DurabilityClientOutcome in
                    if index == Self.clients {
                        Thread.sleep(forTimeInterval: killAfter)
                        kill(target.process.processIdentifier, SIGKILL)
                        return DurabilityClientOutcome()
                    }
                    return Self.writeUntilKilled(
                        client: index, round: round, server: target, seed: clientSeeds[index], ledger: startLedger)
                }.dropLast()
                _ = server.stop(signal: SIGKILL)
                let acknowledged = outcomes.reduce(0) { $0 + $1.acknowledged.count }
                acknowledgedInAll += acknowledged
                print(
                    "round \(round): SIGKILL after \(String(format: "%.2f", killAfter)) s, \(acknowledged) writes acknowledged, \(outcomes.filter { $0.pending != nil }.count) in flight"
                )
                for (client, outcome) in outcomes.enumerated() {
                    #expect(outcome.unexpected.isEmpty, "seed \(seed), round \(round), client \(client): \(outcome.unexpected.prefix(5))")
                }

                server = try ServerProcess(dataDirectory: dataDirectory)
                if Bool.random(using: &random) {
                    // Killed again while it loads and cleans up what the first kill left.
                    Thread.sleep(forTimeInterval: Double.random(in: 0...0.04, using: &random))
                    _ = server.stop(signal: SIGKILL)
                    server = try ServerProcess(dataDirectory: dataDirectory)
                }
                try #require(server.waitUntilReady(), "seed \(seed): not ready after restart \(round); log:\n\(server.log.suffix(2000))")
                let violations = startLedger.violations(on: server, outcomes: Array(outcomes))
                let listed = violations.prefix(12).joined(separator: "\n")
                #expect(
                    violations.isEmpty,
                    "seed \(seed), round \(round) (killed after \(killAfter) s): \(violations.count) violations:\n\(listed)")
                ledger = try DurabilityLedger.read(from: server, clients: Self.clients)
            }
            #expect(acknowledgedInAll >= Self.rounds, "seed \(seed): only \(acknowledgedInAll) writes acknowledged in all rounds")
        }
    }

    /// One client's round: random writes until the connection fails (the kill) or the bound.
    static func writeUntilKilled(
        client: Int, round: Int, server: ServerProcess, seed: UInt64, ledger: DurabilityLedger
    ) -> DurabilityClientOutcome {
        var random = SeededGenerator(seed: seed)
        var outcome = DurabilityClientOutcome()
        let own = DurabilityLedger.ownName(client)
        var mine = ledger.temporary.filter { $0.hasPrefix("tmp-\(client)-") }.sorted()
        let deadline = Date().addingTimeInterval(10)
        for sequence in 1...writesPerRound where Date() < deadline {
            // Integers below 2^24 are exact in float32 and never equal a random initial value.
            let value = Double((client + 1) * 100_000 + round * 10_000 + sequence % 10_000)
            let (write, method, target, body) = nextWrite(
                client: client, own: own, value: value, sequence: sequence, round: round, mine: mine, random: &random)
            let response: WireResponse
            do {
                response = try server.wire(method, target, body, timeout: 20)
            } catch {
                outcome.pending = write
                break
            }
            guard (200..<300).contains(response.status) else {
                outcome.unexpected.append("\(method) \(target) → \(response.status) \(response.text.prefix(200))")
                continue
            }
            let version = response.etagVersion ?? (response.object["version"] as? Int) ?? 0
            outcome.acknowledged.append((write, version))
            switch write {
            case .create(let name): mine.append(name)
            case .delete(let name): mine.removeAll { $0 == name }
            default: break
            }
        }
        return outcome
    }

    /// Chooses the next write: own parameter (PUT, PATCH or initialize), shared parameter,
    /// create or delete of a temporary model.
    static func nextWrite(
        client: Int, own: String, value: Double, sequence: Int, round: Int, mine: [String],
        random: inout SeededGenerator
    ) -> (DurabilityWrite, String, String, String?) {
        let shapes = ReliabilitySpecs.smallShapes
        let parameter = shapes.keys.sorted()[Int.random(in: 0..<shapes.count, using: &random)]
        let shape = shapes[parameter]!
        let filled = Array(repeating: value, count: shape.reduce(1, *))
        var roll = Double.random(in: 0..<1, using: &random)
        if roll >= 0.92 && mine.isEmpty { roll = 0.9 }  // nothing to delete: create instead
        switch roll {
        case ..<0.15:
            return (
                .own(model: own, changes: [parameter: filled]), "PUT", "/v1/models/\(own)/parameters/\(parameter)",
                #"{"value": \#(TensorJSON.constant(shape, value))}"#
            )
        case ..<0.30:
            return (
                .own(model: own, changes: [parameter: filled]), "PATCH", "/v1/models/\(own)/parameters/\(parameter)",
                #"{"ops": [{"op": "fill", "value": \#(Int(value) - 1)}, {"op": "add", "value": 1}]}"#
            )
        case ..<0.40:
            let all = shapes.mapValues { Array(repeating: value, count: $0.reduce(1, *)) }
            return (
                .own(model: own, changes: all), "POST", "/v1/models/\(own)/initialize",
                #"{"init": {"name": "constant", "value": \#(Int(value))}}"#
            )
        case ..<0.60:
            return (
                .shared(parameter: parameter, value: value), "PUT", "/v1/models/shared/parameters/\(parameter)",
                #"{"value": \#(TensorJSON.constant(shape, value))}"#
            )
        case ..<0.80:
            return (
                .shared(parameter: parameter, value: value), "PATCH", "/v1/models/shared/parameters/\(parameter)",
                #"{"op": "fill", "value": \#(Int(value))}"#
            )
        case ..<0.92:
            let name = "tmp-\(client)-\(round)-\(sequence)"
            return (.create(name), "POST", "/v1/models", ReliabilitySpecs.create(name, seed: sequence))
        default:
            let name = mine[Int.random(in: 0..<mine.count, using: &random)]
            return (.delete(name), "DELETE", "/v1/models/\(name)", nil)
        }
    }
}
