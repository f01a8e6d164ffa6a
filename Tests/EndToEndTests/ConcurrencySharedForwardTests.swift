import Foundation
import Testing

/// Batch-1 forwards sent at the same moment share passes over the weights in the real server
/// (`paramd_forward_joint_requests`), and every client still gets the exact bytes it gets
/// when it is alone.
@Suite(.serialized)
struct ConcurrencySharedForwardTests {
    static let mlp =
        #"{"type": "sequential", "layers": [{"type": "linear", "in": 784, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 256}, {"type": "relu"}, {"type": "linear", "in": 256, "out": 10}]}"#
    static let clients = 24

    /// Distinct raw float32 rows, one per client.
    static func input(_ client: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for column in 0..<784 {
            let value = Float((client * 7919 + column * 104_729) % 2001) / 1000 - 1
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
        }
        return bytes
    }

    static func forward(_ server: ServerProcess, _ client: Int) throws -> WireResponse {
        try Wire.request(
            port: server.port, "POST", "/v1/models/shared/forward", body: input(client),
            headers: [("Content-Type", "application/octet-stream"), ("Accept", "application/octet-stream"), ("Tensor-Shape", "1,784")])
    }

    static func jointPasses(_ server: ServerProcess) throws -> Double {
        let metrics = try server.wire("GET", "/metrics").text
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("paramd_forward_joint_requests_count") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    @Test func simultaneousForwardsShareAPassAndEachGetsItsOwnExactBytes() throws {
        try HeavyTestGate.exclusively {
            let server = try ServerProcess()
            defer { server.stop(); server.removeData() }
            let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("shared", spec: Self.mlp))
            try #require(created.status == 201, "\(created.text)")
            // One at a time: each request is alone in its pass.
            let alone = try (0..<Self.clients).map { client in
                let response = try Self.forward(server, client)
                try #require(response.status == 200, "\(response.text)")
                return response.body
            }
            #expect(try Self.jointPasses(server) == 0)
            // All at once, a few rounds: some requests must share passes; none may differ.
            for _ in 0..<10 {
                let together = ClientThreads.run(Self.clients) { client in Result { try Self.forward(server, client) } }
                for (client, result) in together.enumerated() {
                    let response = try result.get()
                    #expect(response.status == 200, "\(response.text)")
                    #expect(response.body == alone[client], "client \(client) got different bytes in a shared pass")
                }
                if try Self.jointPasses(server) > 0 { break }
            }
            #expect(try Self.jointPasses(server) > 0, "no forward pass was ever shared")
        }
    }
}
