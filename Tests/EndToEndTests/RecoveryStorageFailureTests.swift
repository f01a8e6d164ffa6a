import Foundation
import Testing

/// A write that cannot be made durable is refused with 507 and changes nothing, in memory or
/// on disk; reads go on meanwhile; once storage works again, so do writes.
///
/// The failure is injected where disks fail: fsync (``FaultShim``, an LD_PRELOAD library), so
/// the log append, a create's checkpoint and a delete's directory sync each meet it.
@Suite(.serialized)
struct RecoveryStorageFailureTests {
    @Test(arguments: ["EIO", "ENOSPC"])
    func aWriteThatCannotBeMadeDurableIs507AndChangesNothing(errno: String) throws {
        let shim = FaultShim()
        defer { shim.heal() }
        var server = try ServerProcess(environment: try shim.environment())
        let dataDirectory = server.dataDirectory
        defer { server.stop(); try? FileManager.default.removeItem(at: dataDirectory) }
        let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("fragile"))
        try #require(created.status == 201, "\(created.text)")
        let before = try DurabilityLedger.readState("fragile", from: server)

        try shim.failSyncs(with: errno)
        for (method, target, body) in [
            ("PATCH", "/v1/models/fragile/parameters/0.bias", #"{"op": "fill", "value": 3}"#),
            ("PUT", "/v1/models/fragile/parameters/2.bias", #"{"value": [1, 2]}"#),
            ("POST", "/v1/models/fragile/initialize", #"{"init": {"name": "constant", "value": 5}}"#),
            ("POST", "/v1/models", ReliabilitySpecs.create("newcomer")),
            ("DELETE", "/v1/models/fragile", "")
        ] {
            let response = try server.wire(method, target, body)
            #expect(
                response.status == 507 && response.isProblem,
                "\(method) \(target) with no place to store it: \(response.status) \(response.text.prefix(300))")
            #expect((response.object["detail"] as? String)?.isEmpty == false)
        }
        #expect(try DurabilityLedger.readState("fragile", from: server) == before, "a refused write changed the model in memory")
        #expect(try server.wire("GET", "/v1/models/newcomer").status == 404, "a refused create left a model behind")
        #expect(try server.wire("GET", "/healthz").status == 200)

        shim.heal()
        let retried = try server.wire("PATCH", "/v1/models/fragile/parameters/0.bias", #"{"op": "fill", "value": 3}"#)
        #expect(retried.status == 200 && retried.etagVersion == before.version + 1, "\(retried.status) \(retried.text.prefix(300))")
        #expect(try server.wire("POST", "/v1/models", ReliabilitySpecs.create("newcomer")).status == 201)

        #expect(server.stop() == 0)
        server = try ServerProcess(dataDirectory: dataDirectory)
        try #require(server.waitUntilReady())
        let after = try DurabilityLedger.readState("fragile", from: server)
        #expect(after.version == before.version + 1 && after.values["0.bias"] == Array(repeating: 3, count: 8))
        #expect(after.values["2.bias"] == before.values["2.bias"], "a refused PUT reached the disk")
        #expect(try server.wire("GET", "/v1/models/newcomer").status == 200)
    }
}
