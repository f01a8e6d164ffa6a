import Foundation
import Testing

/// Start, auth, ETags over the wire, metrics, graceful shutdown.
@Suite(.serialized)
struct ServerLifecycleTests {
    @Test func sigtermShutsDownGracefullyWithExitZero() throws {
        let server = try ServerProcess()
        defer { server.removeData() }
        #expect(try Curl.json("GET", "\(server.baseURL)/healthz").status == 200)
        #expect(server.stop(signal: SIGTERM) == 0)
        #expect(server.log.contains("stopped"))
    }

    @Test func sigintAlsoExitsZero() throws {
        let server = try ServerProcess()
        defer { server.removeData() }
        #expect(server.stop(signal: SIGINT) == 0)
    }

    @Test func dataDirectoryIsCreatedOnStart() throws {
        let directory = ServerProcess.temporaryDataDirectory().appendingPathComponent("nested/deeper")
        let server = try ServerProcess(dataDirectory: directory)
        defer { server.stop(); try? FileManager.default.removeItem(at: directory.deletingLastPathComponent().deletingLastPathComponent()) }
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    @Test func tokenGuardsV1ButNotProbes() throws {
        let server = try ServerProcess(token: "e2e-secret")
        defer { server.stop(); server.removeData() }
        let refused = try Curl.json("GET", "\(server.baseURL)/v1/models")
        #expect(refused.status == 401)
        #expect(refused.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        let wrong = try Curl.json("GET", "\(server.baseURL)/v1/models", headers: ["Authorization": "Bearer nope"])
        #expect(wrong.status == 401)
        let admitted = try Curl.json("GET", "\(server.baseURL)/v1/models", headers: ["Authorization": "Bearer e2e-secret"])
        #expect(admitted.status == 200)
        for probe in ["/healthz", "/readyz", "/metrics"] {
            #expect(try Curl.json("GET", "\(server.baseURL)\(probe)").status == 200)
        }
        #expect(!server.log.contains("e2e-secret"))
    }

    @Test func tokenFromAFileAndTheEnvironment() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("paramd-token-\(UUID().uuidString)")
        try "from-file\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let server = try ServerProcess(environment: ["PARAMD_TOKEN_FILE": file.path])
        defer { server.stop(); server.removeData() }
        #expect(try Curl.json("GET", "\(server.baseURL)/v1/models").status == 401)
        #expect(try Curl.json("GET", "\(server.baseURL)/v1/models", headers: ["Authorization": "Bearer from-file"]).status == 200)
    }

    @Test func etagAndIfMatchOverTheWire() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        let created = try Curl.json("POST", "\(server.baseURL)/v1/models", ChapterWalkthroughTests.mlp)
        #expect(created.header("ETag") == "\"1\"")
        let stale = try Curl.json(
            "PATCH", "\(server.baseURL)/v1/models/mlp/parameters/2.bias", #"{"op": "fill", "value": 1}"#,
            headers: ["If-Match": "\"0\""])
        #expect(stale.status == 412)
        let fresh = try Curl.json(
            "PATCH", "\(server.baseURL)/v1/models/mlp/parameters/2.bias", #"{"op": "fill", "value": 1}"#,
            headers: ["If-Match": "\"1\""])
        #expect(fresh.status == 200)
        #expect(fresh.header("ETag") == "\"2\"")
    }

    @Test func metricsCountRequestsByRouteAndStatus() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        _ = try Curl.json("POST", "\(server.baseURL)/v1/models", ChapterWalkthroughTests.mlp)
        _ = try Curl.json("POST", "\(server.baseURL)/v1/models/mlp/forward", #"{"inputs": [[1, 2, 3, 4]]}"#)
        _ = try Curl.json("GET", "\(server.baseURL)/v1/models/nope")
        // The completion hook records a request just after its response is sent: poll briefly.
        var metrics = ""
        for _ in 0..<50 {
            metrics = try Curl.json("GET", "\(server.baseURL)/metrics").text
            if metrics.contains(#"route="/v1/models/{model}",status="404"} 1"#) { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(metrics.contains(#"paramd_http_requests_total{method="POST",route="/v1/models/{model}/forward",status="200"} 1"#))
        #expect(metrics.contains(#"paramd_http_requests_total{method="GET",route="/v1/models/{model}",status="404"} 1"#))
        #expect(metrics.contains("paramd_models 1.0"))
        #expect(metrics.contains("paramd_parameters 49.0"))
        #expect(metrics.contains("paramd_forward_batch_size_count 1"))
    }

    @Test func logsOneLinePerRequestWithoutBodies() throws {
        let server = try ServerProcess()
        defer { server.removeData() }
        _ = try Curl.json("POST", "\(server.baseURL)/v1/models", ChapterWalkthroughTests.mlp)
        _ = try Curl.json("GET", "\(server.baseURL)/healthz")
        // Stopping writes every queued line before the last message.
        server.stop()
        let lines = server.log.split(separator: "\n").filter { $0.contains(" request ") && $0.contains("route=") }
        #expect(lines.count == 2)
        #expect(lines.contains { $0.contains("method=POST") && $0.contains("route=/v1/models ") && $0.contains("status=201") })
        #expect(!server.log.contains("\"spec\""))
    }

    @Test func theAccessLogGoesWherePARAMD_ACCESS_LOGSays() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("paramd-access-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: path) }
        let server = try ServerProcess(environment: ["PARAMD_ACCESS_LOG": path.path])
        defer { server.removeData() }
        _ = try Curl.json("GET", "\(server.baseURL)/healthz")
        server.stop()
        let written = try String(contentsOf: path, encoding: .utf8)
        #expect(written.contains(" request ") && written.contains("route=/healthz status=200"))
        #expect(!server.log.contains(" request "))
    }
}
