import Foundation
import Testing

/// Forwards on one model keep flowing, unchanged and with bounded latency, while another
/// model takes a stream of large durable writes (each one a file fsync and a directory fsync).
@Suite(.serialized)
struct ConcurrencyIsolationTests {
    /// How long the writers and forwarders run together.
    static let seconds = 3.0

    @Test func forwardsOnOneModelFlowWhileAnotherIsWrittenHeavily() throws {
        try HeavyTestGate.exclusively {
            let server = try ServerProcess()
            defer { server.stop(); server.removeData() }
            let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("reader"))
            try #require(created.status == 201, "\(created.text)")
            let wide = #"{"type": "sequential", "layers": [{"type": "linear", "in": 128, "out": 128}]}"#
            let written = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("written", spec: wide))
            try #require(written.status == 201, "\(written.text)")

            let input = #"{"inputs": [[0.5, -1, 2, 0.25]]}"#
            let reference = try server.wire("POST", "/v1/models/reader/forward", input)
            try #require(reference.status == 200, "\(reference.text)")
            var quiet: [Double] = []
            for _ in 0..<30 {
                let start = Date()
                _ = try server.wire("POST", "/v1/models/reader/forward", input)
                quiet.append(Date().timeIntervalSince(start))
            }

            let deadline = Date().addingTimeInterval(Self.seconds)
            let writers = 4
            let results = ClientThreads.run(writers + 2) { index -> (latencies: [Double], failures: [String]) in
                var latencies: [Double] = []
                var failures: [String] = []
                var count = 0
                while Date() < deadline && count < 5000 {
                    count += 1
                    let start = Date()
                    do {
                        let response: WireResponse
                        if index < writers {
                            // 64 KiB raw PUTs and small PATCHes, alternating.
                            let value = Float(index * 10_000 + count)
                            response =
                                count % 2 == 0
                                ? try Wire.request(
                                    port: server.port, "PUT", "/v1/models/written/parameters/0.weight",
                                    body: TensorJSON.rawConstant(count: 128 * 128, value),
                                    headers: [("Content-Type", "application/octet-stream"), ("Tensor-Shape", "128,128")])
                                : try server.wire(
                                    "PATCH", "/v1/models/written/parameters/0.bias", #"{"op": "fill", "value": \#(Int(value))}"#)
                        } else {
                            response = try server.wire("POST", "/v1/models/reader/forward", input)
                            if response.status == 200, response.body != reference.body {
                                failures.append("forward on the unwritten model changed: \(response.text.prefix(200))")
                            }
                        }
                        if response.status != 200 { failures.append("\(response.status) \(response.text.prefix(200))") }
                    } catch {
                        failures.append("\(error)")
                    }
                    latencies.append(Date().timeIntervalSince(start))
                }
                return (latencies, failures)
            }
            let writeLatencies = results.prefix(writers).flatMap(\.latencies).sorted()
            let forwardLatencies = results.suffix(2).flatMap(\.latencies).sorted()
            let failures = results.flatMap(\.failures)
            #expect(failures.isEmpty, "\(failures.count) failures: \(failures.prefix(5))")
            #expect(writeLatencies.count >= 4, "the writers barely ran: \(writeLatencies.count) writes")
            #expect(forwardLatencies.count >= 20, "only \(forwardLatencies.count) forwards in \(Self.seconds) s beside the writes")
            let quietMedian = quiet.sorted()[quiet.count / 2]
            let busyMedian = forwardLatencies.isEmpty ? .infinity : forwardLatencies[forwardLatencies.count / 2]
            let worst = forwardLatencies.last ?? .infinity
            let p99 = forwardLatencies.isEmpty ? .infinity : forwardLatencies[forwardLatencies.count * 99 / 100]
            print(
                "forward median quiet \(Self.ms(quietMedian)), beside writes \(Self.ms(busyMedian)), p99 \(Self.ms(p99)), worst \(Self.ms(worst)); "
                    + "\(writeLatencies.count) writes, median \(Self.ms(writeLatencies.isEmpty ? 0 : writeLatencies[writeLatencies.count / 2]))"
            )
            // Generous bounds for a shared 2-core machine; serialized behind the writes'
            // fsyncs, forwards would wait for each of them in turn.
            #expect(
                busyMedian <= max(0.25, 20 * quietMedian),
                "median forward \(Self.ms(busyMedian)) beside writes, \(Self.ms(quietMedian)) without")
            #expect(p99 <= 1.0, "p99 of forwards \(Self.ms(p99)) beside writes to another model")
            #expect(worst <= 5.0, "a forward took \(Self.ms(worst)) beside writes to another model")
        }
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
}
