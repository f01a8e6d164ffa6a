import Foundation
import Testing

/// A write that cannot be made durable is refused with 507 and changes nothing, in memory or
/// on disk; once storage works again, so do writes.
///
/// The failure is made without root tricks: the model's folder is swapped for a plain file, so
/// creating the temporary file inside it fails with ENOTDIR (as root, permissions would not).
@Suite(.serialized)
struct RecoveryStorageFailureTests {
    @Test func aWriteThatCannotBeMadeDurableIs507AndChangesNothing() throws {
        var server = try ServerProcess()
        let dataDirectory = server.dataDirectory
        defer { server.stop(); try? FileManager.default.removeItem(at: dataDirectory) }
        let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("fragile"))
        try #require(created.status == 201, "\(created.text)")
        let before = try DurabilityLedger.readState("fragile", from: server)

        let fileManager = FileManager.default
        let folder = server.modelsFolder.appendingPathComponent("fragile", isDirectory: true)
        let saved = dataDirectory.appendingPathComponent("saved-folder", isDirectory: true)
        try fileManager.moveItem(at: folder, to: saved)
        try Data("not a folder".utf8).write(to: folder)

        for (method, target, body) in [
            ("PATCH", "/v1/models/fragile/parameters/0.bias", #"{"op": "fill", "value": 3}"#),
            ("PUT", "/v1/models/fragile/parameters/2.bias", #"{"value": [1, 2]}"#),
            ("POST", "/v1/models/fragile/initialize", #"{"init": {"name": "constant", "value": 5}}"#),
        ] {
            let response = try server.wire(method, target, body)
            #expect(response.status == 507 && response.isProblem, "\(method) \(target) with no place to store it: \(response.status) \(response.text.prefix(300))")
            #expect((response.object["detail"] as? String)?.isEmpty == false)
        }
        #expect(try DurabilityLedger.readState("fragile", from: server) == before, "a refused write changed the model in memory")
        #expect(try server.wire("GET", "/healthz").status == 200)

        try fileManager.removeItem(at: folder)
        try fileManager.moveItem(at: saved, to: folder)
        let retried = try server.wire("PATCH", "/v1/models/fragile/parameters/0.bias", #"{"op": "fill", "value": 3}"#)
        #expect(retried.status == 200 && retried.etagVersion == before.version + 1, "\(retried.status) \(retried.text.prefix(300))")

        #expect(server.stop() == 0)
        server = try ServerProcess(dataDirectory: dataDirectory)
        try #require(server.waitUntilReady())
        let after = try DurabilityLedger.readState("fragile", from: server)
        #expect(after.version == before.version + 1 && after.values["0.bias"] == Array(repeating: 3, count: 8))
        #expect(after.values["2.bias"] == before.values["2.bias"], "a refused PUT reached the disk")
    }
}
