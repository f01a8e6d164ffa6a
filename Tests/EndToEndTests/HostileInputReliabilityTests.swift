import Foundation
import Testing

/// Hostile requests over real sockets against the built binary: each is answered with a
/// clear 4xx problem+json whose detail helps, within seconds, the server stays alive, and
/// nothing stored changes (listing, versions and values identical before and after).
///
/// Each kind runs against its own server, all its cases in a row: a crash or a change is then
/// pinned to a small group, and the cases still share one start-up.
@Suite
struct HostileInputReliabilityTests {
    @Test func malformedJSONIsRefusedClearly() throws {
        try Self.expectRefused(HostileCases.malformedJSON)
    }

    @Test func nestingAHundredThousandDeepIsRefused() throws {
        try Self.expectRefused(HostileCases.deepNesting)
    }

    @Test func hugeDeclaredBodiesAre413WithoutBeingRead() throws {
        let started = Date()
        try Self.expectRefused(HostileCases.declaredSizes)
        // Reading 1 GB over loopback takes seconds; a refusal from the head takes milliseconds.
        #expect(Date().timeIntervalSince(started) < 20, "the refusals took \(Date().timeIntervalSince(started)) s")
    }

    @Test func modelsBeyondTheLimitsAreRefusedBeforeAllocation() throws {
        try Self.expectRefused(HostileCases.hugeModels)
    }

    @Test func unknownFieldsAndWrongTypesAreRefused() throws {
        try Self.expectRefused(HostileCases.unknownFieldsAndWrongTypes)
    }

    @Test func nonFiniteAndOutOfRangeNumbersAreRefused() throws {
        try Self.expectRefused(HostileCases.numbers)
    }

    @Test func badSlicesAndIndicesAreRefused() throws {
        try Self.expectRefused(HostileCases.slices)
    }

    @Test func emptyBodiesAreRefused() throws {
        try Self.expectRefused(HostileCases.emptyBodies)
    }

    @Test func wrongContentTypesAre415() throws {
        try Self.expectRefused(HostileCases.contentTypes)
    }

    @Test func protocolGarbageIsRefused() throws {
        try Self.expectRefused(HostileCases.protocolGarbage)
    }

    /// A deferred layer (`linear` without `in`) learns its width from the first input; an input
    /// with zero features (directly, or through `flatten`) must be refused, not turned into a
    /// [8, 0] weight. Each case runs on a fresh server: the first crash would hide the others.
    @Test func aDeferredLayerGivenZeroFeaturesIsRefused() throws {
        let cases: [HostileCase] = [
            .json("zero features to a deferred layer", "POST", "/v1/models/lazy/forward", #"{"inputs": [[]]}"#, allowed: [400, 422]),
            .http(
                "raw zero features to a deferred layer", "POST", "/v1/models/lazy/forward", body: [],
                contentType: "application/octet-stream", headers: [("Tensor-Shape", "1,0")], allowed: [400, 422]),
            .json("zero features in two rows", "POST", "/v1/models/lazy/forward", #"{"inputs": [[], []]}"#, allowed: [400, 422]),
            .json(
                "zero features to backward", "POST", "/v1/models/lazy/backward",
                #"{"inputs": [[]], "targets": [[1, 1, 1, 1, 1, 1, 1, 1]], "loss": "mse"}"#, allowed: [400, 422]),
            .json("zero features through flatten", "POST", "/v1/models/flat/forward", #"{"inputs": [[[]]]}"#, allowed: [400, 422])
        ]
        for hostile in cases {
            let server = try ServerProcess()
            defer { server.stop(); server.removeData() }
            for (name, spec) in [
                ("lazy", #"{"type": "sequential", "layers": [{"type": "linear", "out": 8}]}"#),
                ("flat", #"{"type": "sequential", "layers": [{"type": "flatten"}, {"type": "linear", "out": 3}]}"#)
            ] {
                let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create(name, spec: spec))
                try #require(created.status == 201, "\(created.text)")
            }
            let before = try Self.prepare(server)
            Self.check([hostile], on: server, before: before)
        }
    }

    /// Not hostile, but what the big hostile bodies need first: a body well past 96 KiB that
    /// arrives in the same burst as its head (one write, as most clients send it) is read
    /// whole and answered at once, not left waiting for the 30 s request timeout.
    @Test func aLargeBodyArrivingWithItsHeadIsReadAtOnce() throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        let wide = #"{"type": "sequential", "layers": [{"type": "linear", "in": 256, "out": 256}]}"#
        let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("wide", spec: wide))
        try #require(created.status == 201, "\(created.text)")
        let raw = try Wire.request(
            port: server.port, "PUT", "/v1/models/wide/parameters/0.weight", body: TensorJSON.rawConstant(count: 256 * 256, 3),
            headers: [("Content-Type", "application/octet-stream"), ("Tensor-Shape", "256,256")], timeout: 10)
        #expect(raw.status == 200, "a 256 KiB raw PUT in one write: \(raw.status) \(raw.text.prefix(200))")
        let json = try server.wire(
            "PUT", "/v1/models/wide/parameters/0.weight", #"{"value": \#(TensorJSON.constant([256, 256], 4))}"#, timeout: 10)
        #expect(json.status == 200, "a 128 KiB JSON PUT in one write: \(json.status) \(json.text.prefix(200))")
    }

    /// Traversal and odd names never reach the file system, and after a restart the stored
    /// state is still exactly what it was.
    @Test func pathTraversalNamesAre400AndTouchNoFiles() throws {
        let marker = "hostile-\(UUID().uuidString.prefix(8))"
        var server = try ServerProcess()
        let dataDirectory = server.dataDirectory
        defer { server.stop(); try? FileManager.default.removeItem(at: dataDirectory) }
        let before = try Self.prepare(server)
        Self.check(HostileCases.names(marker: marker), on: server, before: before)

        let fileManager = FileManager.default
        let parent = dataDirectory.deletingLastPathComponent()
        for folder in [parent, dataDirectory, server.modelsFolder, URL(fileURLWithPath: "/tmp")] {
            let entries = (try? fileManager.contentsOfDirectory(atPath: folder.path)) ?? []
            #expect(!entries.contains { $0.contains(marker) }, "\(folder.path) holds an entry named after a hostile request")
        }
        let enumerator = fileManager.enumerator(atPath: dataDirectory.path)
        while let entry = enumerator?.nextObject() as? String {
            #expect(!entry.contains(marker) && !entry.contains("hidden"), "the data directory holds \(entry)")
        }
        #expect(server.stop() == 0)
        server = try ServerProcess(dataDirectory: dataDirectory)
        try #require(server.waitUntilReady())
        #expect(try StoredSnapshot.take(server) == before, "the stored state differs after a restart")
    }

    /// Starts a server with the model `mlp`, runs `cases`, and checks it is alive and unchanged.
    static func expectRefused(_ cases: [HostileCase]) throws {
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        let before = try prepare(server)
        check(cases, on: server, before: before)
    }

    static func prepare(_ server: ServerProcess) throws -> StoredSnapshot {
        let created = try server.wire("POST", "/v1/models", ReliabilitySpecs.create("mlp"))
        try #require(created.status == 201, "\(created.text)")
        return try StoredSnapshot.take(server)
    }

    static func check(_ cases: [HostileCase], on server: ServerProcess, before: StoredSnapshot) {
        for hostile in cases {
            let violations = hostile.violations(on: server)
            #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
            guard let health = try? server.wire("GET", "/healthz", timeout: 5), health.status == 200 else {
                Issue.record("the server is down after \(hostile.label); log:\n\(server.log.suffix(2000))")
                return
            }
        }
        do {
            let after = try StoredSnapshot.take(server)
            #expect(after == before, "the stored state changed: before \(before), after \(after)")
        } catch {
            Issue.record("the stored state cannot be read after the hostile requests: \(error)")
        }
    }
}
