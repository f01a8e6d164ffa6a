import Foundation
import Testing

/// What the data directory keeps across restarts.
@Suite(.serialized)
struct RestartTests {
    @Test func restartKeepsModelsValuesAndVersions() throws {
        let directory = ServerProcess.temporaryDataDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var expected: CurlResponse
        do {
            let server = try ServerProcess(dataDirectory: directory)
            defer { #expect(server.stop() == 0) }
            _ = try Curl.json("POST", "\(server.baseURL)/v1/models", ChapterWalkthroughTests.mlp)
            let patched = try Curl.json(
                "PATCH", "\(server.baseURL)/v1/models/mlp/parameters/0.weight", #"{"op": "set", "index": [0, 0], "value": 42}"#)
            #expect(patched.status == 200)
            let lazy = try Curl.json("POST", "\(server.baseURL)/v1/models", #"{"name": "lazy", "spec": {"type": "dense", "out": 2}}"#)
            #expect(lazy.status == 201, "\(lazy.text)")
            _ = try Curl.json("POST", "\(server.baseURL)/v1/models/lazy/forward", #"{"inputs": [[1, 2, 3]]}"#)
            expected = try Curl.json("GET", "\(server.baseURL)/v1/models/mlp/parameters?values=true")
        }
        let again = try ServerProcess(dataDirectory: directory)
        defer { again.stop() }
        let list = try Curl.json("GET", "\(again.baseURL)/v1/models")
        let names = (list.object["models"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["lazy", "mlp"])
        let restored = try Curl.json("GET", "\(again.baseURL)/v1/models/mlp/parameters?values=true")
        #expect(restored.body == expected.body)
        #expect(restored.header("ETag") == "\"2\"")
        let lazy = try Curl.json("GET", "\(again.baseURL)/v1/models/lazy")
        #expect(lazy.object["initialized"] as? Bool == true)
        #expect(lazy.header("ETag") == "\"2\"")
        #expect(again.waitUntilReady())
    }

    @Test func aGarbledModelFileIsReportedAndDoesNotStopTheServer() throws {
        let directory = ServerProcess.temporaryDataDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let server = try ServerProcess(dataDirectory: directory)
            defer { server.stop() }
            _ = try Curl.json("POST", "\(server.baseURL)/v1/models", ChapterWalkthroughTests.mlp)
            _ = try Curl.json(
                "POST", "\(server.baseURL)/v1/models", ChapterWalkthroughTests.mlp.replacingOccurrences(of: "\"mlp\"", with: "\"good\""))
        }
        let file = directory.appendingPathComponent("models/mlp/checkpoint.safetensors")
        var bytes = try Data(contentsOf: file)
        bytes.replaceSubrange(bytes.count / 2..<bytes.count / 2 + 8, with: Data(repeating: 0xFF, count: 8))
        try bytes.write(to: file)

        let again = try ServerProcess(dataDirectory: directory)
        defer { again.stop() }
        // Loading runs after the listener is up: readiness is polled, not assumed (E2E-8).
        #expect(again.waitUntilReady())
        #expect(try Curl.json("GET", "\(again.baseURL)/v1/models/good").status == 200)
        let damaged = try Curl.json("GET", "\(again.baseURL)/v1/models/mlp")
        #expect(damaged.status == 500)
        #expect((damaged.object["type"] as? String)?.hasSuffix("damaged-model") == true)
        let list = try Curl.json("GET", "\(again.baseURL)/v1/models")
        let entries = list.object["models"] as? [[String: Any]] ?? []
        #expect(entries.contains { $0["name"] as? String == "mlp" && $0["damaged"] != nil })
        #expect(again.log.contains("damaged model"))
        #expect(try Curl.json("DELETE", "\(again.baseURL)/v1/models/mlp").status == 204)
        #expect(try Curl.json("POST", "\(again.baseURL)/v1/models", ChapterWalkthroughTests.mlp).status == 201)
    }

    @Test func aSecondServerCannotOpenTheSameDataDirectory() throws {
        let first = try ServerProcess()
        defer { first.stop(); first.removeData() }
        #expect(throws: (any Error).self) { _ = try ServerProcess(dataDirectory: first.dataDirectory) }
    }
}
