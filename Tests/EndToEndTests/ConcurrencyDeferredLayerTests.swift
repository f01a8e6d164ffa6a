import Foundation
import Testing

/// A deferred layer learns its input width from the first forward pass, which is a durable
/// write. When first passes of two different widths race, exactly one width wins: every pass
/// of that width gets the same answer, every other gets 422, and a restart keeps the winner.
@Suite(.serialized)
struct ConcurrencyDeferredLayerTests {
    static let racers = 16

    @Test func racingFirstPassesOfDifferentWidthsMaterializeOnce() throws {
        var server = try ServerProcess()
        let dataDirectory = server.dataDirectory
        defer { server.stop(); try? FileManager.default.removeItem(at: dataDirectory) }
        let names = (0..<3).map { "deferred-\($0)" }
        var winners: [String: Int] = [:]
        for name in names {
            let created = try server.wire(
                "POST", "/v1/models",
                ReliabilitySpecs.create(name, spec: #"{"type": "sequential", "layers": [{"type": "linear", "out": 3}]}"#))
            try #require(created.status == 201, "\(created.text)")
            let target = server
            let results = ClientThreads.run(Self.racers) { racer -> (width: Int, status: Int, body: String) in
                let width = racer % 2 == 0 ? 4 : 5
                let inputs = "[[" + Array(repeating: "1", count: width).joined(separator: ",") + "]]"
                guard let response = try? target.wire("POST", "/v1/models/\(name)/forward", #"{"inputs": \#(inputs)}"#) else {
                    return (width, -1, "")
                }
                return (width, response.status, response.text)
            }
            let won = Set(results.filter { $0.status == 200 }.map(\.width))
            #expect(won.count == 1, "\(name): widths answered 200: \(won.sorted()); statuses \(results.map { ($0.width, $0.status) })")
            guard let width = won.first else { continue }
            winners[name] = width
            for result in results where result.width != width {
                #expect(
                    result.status == 422,
                    "\(name): a pass of width \(result.width) after \(width) won: \(result.status) \(result.body.prefix(200))")
            }
            let answers = Set(results.filter { $0.status == 200 }.map(\.body))
            #expect(answers.count == 1, "\(name): passes of the winning width got \(answers.count) different answers")
            #expect(try Self.weightShape(name, server) == [3, width])
        }
        #expect(server.stop() == 0)
        server = try ServerProcess(dataDirectory: dataDirectory)
        try #require(server.waitUntilReady())
        for (name, width) in winners {
            #expect(try Self.weightShape(name, server) == [3, width], "\(name) after a restart")
        }
    }

    static func weightShape(_ name: String, _ server: ServerProcess) throws -> [Int] {
        let response = try server.wire("GET", "/v1/models/\(name)/parameters")
        let parameters = response.object["parameters"] as? [[String: Any]] ?? []
        let weight = parameters.first { $0["name"] as? String == "0.weight" }
        return (weight?["shape"] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.intValue }
    }
}
