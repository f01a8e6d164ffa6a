import Foundation
@testable import HTTP
import JSON
import Logging
import Testing
@testable import Service

/// A ``ParamdService`` in process over a ``MemoryModelStore``: requests go to its head hook
/// (where access is checked, as the server does) and then its router, no sockets.
struct ServiceHarness {
    let service: ParamdService
    let store: MemoryModelStore
    let router: Router
    let hooks: HTTPServerHooks

    init(
        token: String? = nil, maxParameters: Int = 1_000_000, maxModels: Int = 100, stored: [StoredModel] = [],
        accessLog: AccessLog? = nil, held: HeldStore? = nil, configure: (inout ServiceConfiguration) -> Void = { _ in }
    ) async {
        var configuration = ServiceConfiguration()
        configuration.token = token
        configuration.maxParametersPerModel = maxParameters
        configuration.maxModels = maxModels
        configure(&configuration)
        store = MemoryModelStore(models: stored)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        service = ParamdService(configuration: configuration, store: held?.wrapping(store) ?? store, logger: logger, accessLog: accessLog)
        await service.loadModels()
        router = service.makeRouter()
        hooks = service.makeHooks()
    }

    /// Sends a request; `json` is sent as `application/json` unless headers say otherwise.
    func send(
        _ method: HTTPMethod, _ target: String, json: String? = nil, body: [UInt8]? = nil,
        headers: [String: String] = [:]
    ) async throws -> TestResponse {
        var fields = HTTPHeaders()
        if json != nil { fields.set("Content-Type", "application/json") }
        for (name, value) in headers { fields.set(name, value) }
        let bytes = body ?? json.map { Array($0.utf8) } ?? []
        let head = try HTTPRequestHead(
            method: method, target: target, headers: fields, framing: bytes.isEmpty ? .none : .length(bytes.count))
        let response: HTTPResponse
        if case .respond(let refusal) = hooks.headReceived(head) {
            response = refusal
        } else {
            var request = HTTPRequest(head: head, body: bytes, id: "test")
            // As the server does: the route may take the body into its own storage, or refuse it unread.
            switch bytes.isEmpty ? .buffered : router.bodyPlan(for: request) {
            case .buffered:
                response = try await router.respond(to: request)
            case .into(let destination):
                #expect(destination.byteCount == bytes.count)
                destination.withUnsafeMutableBytes { target in bytes.withUnsafeBytes { target.copyMemory(from: $0) } }
                request.body = []
                request.bodyDestination = destination
                response = try await router.respond(to: request)
            case .refuse(let refusal):
                response = refusal
            }
        }
        switch response.body {
        case .bytes(let bytes):
            return TestResponse(status: response.status.code, headers: response.headers, body: bytes)
        case .stream(let produce):
            let sink = CollectingSink()
            try await produce(HTTPBodyWriter(sink: sink))
            return TestResponse(status: response.status.code, headers: response.headers, body: sink.bytes)
        }
    }

    /// Creates the chapter's MLP (4 → 8 → ReLU → 1) as `name` and checks it worked.
    @discardableResult
    func createMLP(_ name: String = "mlp", seed: Int = 0) async throws -> TestResponse {
        try await send(
            .post, "/v1/models",
            json: """
                {"name": "\(name)", "seed": \(seed), "spec": {"type": "sequential", "layers": [
                  {"type": "linear", "in": 4, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": 1}]}}
                """)
    }

    /// The chapter's tied net: layers 2 and 4 share one linear module.
    @discardableResult
    func createTied(_ name: String = "tied") async throws -> TestResponse {
        try await send(
            .post, "/v1/models",
            json: """
                {"name": "\(name)", "seed": 7, "spec": {"type": "sequential", "layers": [
                  {"type": "linear", "in": 4, "out": 8}, {"type": "relu"},
                  {"type": "linear", "in": 8, "out": 8, "id": "shared"}, {"type": "relu"},
                  {"ref": "shared"}, {"type": "relu"},
                  {"type": "linear", "in": 8, "out": 1}]}}
                """)
    }
}

struct TestResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue { (try? JSONValue(parsing: body)) ?? .null }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = json { return members[key] }
        return nil
    }

    /// The problem's slug (the last segment of `type`), for error responses.
    var problemSlug: String? {
        guard case .string(let type)? = self["type"] else { return nil }
        return type.split(separator: "/").last.map(String.init)
    }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    subscript(index: Int) -> JSONValue? {
        if case .array(let elements) = self, elements.indices.contains(index) { return elements[index] }
        return nil
    }

    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var array: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// All numbers of nested arrays, row-major.
    var flatNumbers: [Double] {
        switch self {
        case .number(let value): [value]
        case .array(let elements): elements.flatMap(\.flatNumbers)
        default: []
        }
    }
}

/// Collects a streamed body in memory.
final class CollectingSink: HTTPBodySink, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [UInt8] = []

    func write(_ bytes: [UInt8]) async throws {
        lock.withLock { collected += bytes }
    }

    var bytes: [UInt8] { lock.withLock { collected } }
}

extension ServiceHarness {
    /// Writes and deletes of `model` queued behind the batch its owner is storing.
    func queuedWrites(_ model: String) async -> Int {
        (try? service.registry.slot(named: model).queuedCount) ?? 0
    }
}
