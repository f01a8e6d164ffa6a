import Foundation
import Testing

/// The page, the statistics routes, event streams and CORS on the real binary, with curl.
@Suite(.serialized)
struct ParameterPageEndToEndTests {
    static let mlp =
        #"{"name": "mlp", "seed": 0, "spec": {"type": "sequential", "layers": [{"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 1}]}}"#

    @Test func thePageIsSmallCompressedAndTagged() throws {
        let server = try ServerProcess()
        defer {
            server.stop()
            server.removeData()
        }
        var transferred = 0
        for path in ["/", "/ui/paramd.js", "/ui/paramd.css", "/ui/favicon.svg"] {
            // Without --compressed curl keeps the gzip bytes: their size is what a browser transfers.
            let response = try Curl.request("GET", server.baseURL + path, headers: ["Accept-Encoding": "gzip"])
            #expect(response.status == 200, "\(path)")
            #expect(response.header("ETag") != nil, "\(path)")
            if path != "/ui/favicon.svg" { #expect(response.header("Content-Encoding") == "gzip", "\(path)") }
            transferred += response.body.count
        }
        #expect(transferred <= 100_000, "the first load transfers \(transferred) bytes")
    }

    @Test func statisticsRefuseHostileQueriesWithProblems() throws {
        let server = try ServerProcess()
        defer {
            server.stop()
            server.removeData()
        }
        #expect(try Curl.json("POST", server.baseURL + "/v1/models", Self.mlp).status == 201)
        for (query, status) in [
            ("0.weight/stats?bins=0", 400), ("0.weight/stats?bins=100000", 400), ("0.weight/heatmap?rows=-1", 400), ("0.bias/heatmap", 422)
        ] {
            let response = try Curl.request("GET", server.baseURL + "/v1/models/mlp/parameters/" + query)
            #expect(response.status == status, "\(query): \(response.text)")
            #expect(response.header("Content-Type") == "application/problem+json", "\(query)")
        }
        let stats = try Curl.request("GET", server.baseURL + "/v1/models/mlp/parameters/0.weight/stats?bins=4")
        let counts = (stats.object["value"] as? [String: Any]).flatMap { ($0["histogram"] as? [String: Any])?["counts"] as? [Int] }
        #expect(counts?.reduce(0, +) == 32, "\(stats.text)")
    }

    @Test func eventsFollowAWriteMadeWithCurlAndEndAtSIGTERM() throws {
        let server = try ServerProcess()
        defer { server.removeData() }
        #expect(try Curl.json("POST", server.baseURL + "/v1/models", Self.mlp).status == 201)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("paramd-events-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        curl.arguments = ["curl", "-sS", "-N", "--max-time", "60", "-o", output.path, server.baseURL + "/v1/models/mlp/events"]
        try curl.run()
        let streamed = { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
        #expect(Self.waitUntil { streamed().contains("event: current") }, "\(streamed())")
        let patch = try Curl.json("PATCH", server.baseURL + "/v1/models/mlp/parameters/2.bias", #"{"op": "fill", "value": 0.5}"#)
        #expect(patch.status == 200)
        #expect(
            Self.waitUntil {
                streamed().contains(#"event: updated\#ndata: {"change":"updated","model":"mlp","parameters":["2.bias"],"version":2}"#)
            }, "\(streamed())")
        let stopping = ContinuousClock.now
        #expect(server.stop(signal: SIGTERM) == 0)
        #expect(ContinuousClock.now - stopping < .seconds(5), "an open event stream must not hold the shutdown's grace period")
        #expect(Self.waitUntil { !curl.isRunning }, "the stream ends when the server stops")
        if curl.isRunning { curl.terminate() }
    }

    @Test func aListedOriginsPreflightNeedsNoTokenAndItsErrorsAreReadable() throws {
        let origin = "http://127.0.0.1:5173"
        let server = try ServerProcess(token: "s3cret", arguments: ["--cors-origins", origin])
        defer {
            server.stop()
            server.removeData()
        }
        let preflight = try Curl.request(
            "OPTIONS", server.baseURL + "/v1/models/mlp/parameters/0.weight",
            headers: [
                "Origin": origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization,tensor-shape"
            ])
        #expect(preflight.status == 204, "\(preflight.text)")
        #expect(preflight.header("Access-Control-Allow-Origin") == origin)
        #expect(preflight.header("Access-Control-Allow-Headers")?.contains("Tensor-Shape") == true)
        let refused = try Curl.request("GET", server.baseURL + "/v1/models", headers: ["Origin": origin])
        #expect(refused.status == 401 && refused.header("Access-Control-Allow-Origin") == origin)
        let other = try Curl.request(
            "OPTIONS", server.baseURL + "/v1/models", headers: ["Origin": "http://127.0.0.1:1", "Access-Control-Request-Method": "GET"])
        #expect(other.header("Access-Control-Allow-Origin") == nil)
        let badFlag = Process()
        badFlag.executableURL = ServerProcess.binary
        badFlag.arguments = [
            "--cors-origins", "localhost:3000/path", "--port", "0", "--data-dir", ServerProcess.temporaryDataDirectory().path
        ]
        badFlag.standardError = FileHandle.nullDevice
        try badFlag.run()
        badFlag.waitUntilExit()
        #expect(badFlag.terminationStatus != 0, "an origin with a path is refused at start")
    }

    static func waitUntil(seconds: Double = 5, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition()
    }
}
