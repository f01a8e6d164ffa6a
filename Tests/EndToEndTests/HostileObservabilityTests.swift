import Foundation
import Testing

/// Hostile traffic against what operators rely on: with a token set, every hostile /v1
/// request is turned away with 401 before its body is looked at; and a flood of requests to
/// made-up paths and model names cannot grow /metrics without bound (label cardinality).
@Suite
struct HostileObservabilityTests {
    @Test func withATokenHostileRequestsAre401FirstAndProbesStayOpen() throws {
        let server = try ServerProcess(token: "e2e-secret-token")
        defer { server.stop(); server.removeData() }
        let before = try HostileInputReliabilityTests.prepare(server)
        let cases =
            (HostileCases.malformedJSON + HostileCases.unknownFieldsAndWrongTypes + HostileCases.names(marker: "auth")
            + HostileCases.declaredSizes.filter { $0.label.contains("declared") || $0.label.contains("GiB raw") })
            .map { hostile in
                var unauthenticated = hostile
                // The HTTP layer may refuse a target it cannot decode (%00, %FF) or a body over
                // the limit before any route or token is considered: nothing is read either way.
                unauthenticated.allowed =
                    hostile.label.contains("%00") || hostile.label.contains("%FF")
                    ? [400, 401]
                    : hostile.allowed == [413] ? [401, 413] : [401]
                return unauthenticated
            }
        var failures: [String] = []
        for hostile in cases {
            failures += hostile.violations(on: server)
            if let response = try? Wire.exchange(port: server.port, hostile.bytes, timeout: 5), response.status == 401,
                response.header("WWW-Authenticate")?.hasPrefix("Bearer") != true
            {
                failures.append("\(hostile.label): a 401 without WWW-Authenticate: Bearer")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.prefix(8).joined(separator: "\n"))")
        for probe in ["/healthz", "/readyz", "/metrics"] {
            let response = try Wire.json(port: server.port, "GET", probe)
            #expect(response.status == 200, "\(probe) without a token: \(response.status)")
        }
        #expect(try StoredSnapshot.take(server) == before)
        #expect(!server.log.contains("e2e-secret-token"), "the token reached the log")
    }

    @Test func madeUpPathsDoNotGrowTheMetricsWithoutBound() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        _ = try HostileInputReliabilityTests.prepare(server)
        let warmUp = ["/nope", "/v1/models/ghost", "/v1/models/ghost/parameters/x.weight", "/v1/models/ghost/forward"]
        for target in warmUp { _ = try server.wire("GET", target) }
        let before = try server.wire("GET", "/metrics").body.count
        let markers = (0..<300).map { _ in "m" + UUID().uuidString.prefix(12).replacingOccurrences(of: "-", with: "") }
        for (index, marker) in markers.enumerated() {
            let target =
                switch index % 4 {
                case 0: "/nope/\(marker)"
                case 1: "/v1/models/\(marker)"
                case 2: "/v1/models/\(marker)/parameters/\(marker).weight"
                default: "/v1/models/mlp/parameters/\(marker)"
                }
            _ = try server.wire(index % 2 == 0 ? "GET" : "DELETE", target)
        }
        let metrics = try server.wire("GET", "/metrics")
        #expect(metrics.status == 200)
        let leaked = markers.filter { metrics.text.contains($0) }
        #expect(leaked.isEmpty, "\(leaked.count) made-up names became metric labels, e.g. \(leaked.prefix(3))")
        // New status codes and methods may add a few series; one per request would add ~100 KB.
        #expect(metrics.body.count - before < 16_384, "/metrics grew from \(before) to \(metrics.body.count) bytes")
    }
}
