import Foundation
import Testing

/// A data directory damaged while the server was down (truncated, garbled, zero-length,
/// swapped and header-bombed model files, stray temporary files, junk entries): the server
/// still starts and becomes ready, healthy models serve unchanged, and each damaged model is
/// reported by its route and the listing, and can be deleted.
///
/// Layout from Sources/Service/Storage/DataDirectory.swift: `models/<name>/checkpoint.safetensors`,
/// temporary files `.tmp-…` beside it, `trash/` for interrupted deletes.
@Suite(.serialized)
struct RecoveryDamagedDataDirectoryTests {
    static let healthy = ["good-a", "good-b", "stray"]
    /// Each damaged model and what is done to its file.
    static let damages: [(name: String, damage: @Sendable (URL) throws -> Void)] = [
        (
            "truncated",
            { file in
                let bytes = try Data(contentsOf: file)
                try bytes.prefix(bytes.count / 2).write(to: file)
            }
        ),
        (
            "garbled",
            { file in
                var bytes = [UInt8](try Data(contentsOf: file))
                for index in stride(from: bytes.count - 40, to: bytes.count - 8, by: 1) { bytes[index] ^= 0x5A }
                try Data(bytes).write(to: file)
            }
        ),
        ("zeroed", { file in try Data().write(to: file) }),
        (
            "headerbomb",
            { file in
                // A header length of 2^64 - 1: a loader that trusts it allocates or traps.
                var bytes = [UInt8](try Data(contentsOf: file))
                for index in 0..<8 { bytes[index] = 0xFF }
                try Data(bytes).write(to: file)
            }
        ),
        (
            "flipped",
            { file in
                // One bit in the header's JSON: only the checksum can tell.
                var bytes = [UInt8](try Data(contentsOf: file))
                bytes[20] ^= 0x01
                try Data(bytes).write(to: file)
            }
        )
    ]

    @Test func damagedModelsAreReportedAndNeverStopTheServer() throws {
        var server = try ServerProcess()
        let dataDirectory = server.dataDirectory
        defer { server.stop(); try? FileManager.default.removeItem(at: dataDirectory) }
        let names = Self.healthy + Self.damages.map(\.name) + ["swapped"]
        for (index, name) in names.enumerated() {
            let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create(name, seed: index))
            try #require(created.status == 201, "\(created.text)")
        }
        let patched = try server.wire("PATCH", "/v1/models/good-b/parameters/0.bias", #"{"op": "fill", "value": 7}"#)
        #expect(patched.status == 200, "\(patched.text)")
        var before: [String: DurabilityLedger.ModelState] = [:]
        for name in Self.healthy { before[name] = try DurabilityLedger.readState(name, from: server) }
        #expect(server.stop() == 0)

        let fileManager = FileManager.default
        for name in names {
            try #require(
                fileManager.fileExists(atPath: server.modelFile(name).path),
                "no \(server.modelFile(name).path) after a 201: models are not stored in the data directory")
        }
        for (name, damage) in Self.damages { try damage(server.modelFile(name)) }
        // Another model's intact file in the wrong folder.
        try fileManager.removeItem(at: server.modelFile("swapped"))
        try fileManager.copyItem(at: server.modelFile("good-a"), to: server.modelFile("swapped"))
        // Leftovers of interrupted writes and deletes, and entries that are not models.
        let stray = server.modelsFolder.appendingPathComponent("stray/.tmp-model.safetensors-1-abc")
        try Data("half a write".utf8).write(to: stray)
        let orphan = server.modelsFolder.appendingPathComponent("orphan", isDirectory: true)
        try fileManager.createDirectory(at: orphan, withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: orphan.appendingPathComponent(".tmp-model.safetensors-2-def"))
        try Data("not a model".utf8).write(to: server.modelsFolder.appendingPathComponent("notes.txt"))
        let trash = dataDirectory.appendingPathComponent("trash/gone.xyz", isDirectory: true)
        try fileManager.createDirectory(at: trash, withIntermediateDirectories: true)
        try Data([0]).write(to: trash.appendingPathComponent("checkpoint.safetensors"))

        server = try ServerProcess(dataDirectory: dataDirectory)
        try #require(server.waitUntilReady(), "not ready with a damaged data directory; log:\n\(server.log.suffix(3000))")
        #expect(try server.wire("GET", "/healthz").status == 200)

        for name in Self.healthy {
            #expect(try DurabilityLedger.readState(name, from: server) == before[name], "\(name) changed across the restart")
        }
        #expect(!fileManager.fileExists(atPath: stray.path), "the stray temporary file was not cleaned up")
        #expect(!fileManager.fileExists(atPath: orphan.path), "the folder of a create that never completed is still there")

        let listing = try server.wire("GET", "/v1/models")
        let entries = (listing.object["models"] as? [[String: Any]]) ?? []
        let listed = Dictionary(entries.compactMap { entry in (entry["name"] as? String).map { ($0, entry) } }) { a, _ in a }
        #expect(listed["orphan"] == nil, "an unfinished create is listed")
        for name in Self.damages.map(\.name) + ["swapped"] {
            #expect(listed[name]?["damaged"] != nil, "\(name) is not flagged damaged in the listing: \(listed[name] ?? [:])")
            for (method, target, body) in [
                ("GET", "/v1/models/\(name)", nil), ("GET", "/v1/models/\(name)/parameters?values=true", nil),
                ("POST", "/v1/models/\(name)/forward", #"{"inputs": [[1, 2, 3, 4]]}"#),
                ("PATCH", "/v1/models/\(name)/parameters/0.bias", #"{"op": "fill", "value": 1}"#)
            ] as [(String, String, String?)] {
                let response = try server.wire(method, target, body)
                #expect(
                    response.status >= 500 && response.isProblem,
                    "\(method) \(target) on a damaged model: \(response.status) \(response.text.prefix(300))")
                let detail = response.object["detail"] as? String ?? ""
                #expect(detail.contains(name), "the problem does not name the model: \(detail)")
            }
            let deleted = try server.wire("DELETE", "/v1/models/\(name)")
            #expect(deleted.status == 204, "DELETE of damaged \(name): \(deleted.status) \(deleted.text)")
            #expect(try server.wire("GET", "/v1/models/\(name)").status == 404)
            #expect(!fileManager.fileExists(atPath: server.modelsFolder.appendingPathComponent(name).path))
        }
        let recreated = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("truncated"))
        #expect(recreated.status == 201, "a deleted damaged model's name cannot be reused: \(recreated.text)")
        #expect(server.log.contains("damaged"), "the damage is not in the log")
    }
}
