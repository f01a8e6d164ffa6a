import Foundation

/// One write a durability client sent, described well enough to apply it to the ledger.
enum DurabilityWrite: Sendable, CustomStringConvertible {
    /// A write to the client's own model: every changed parameter's full new value.
    case own(model: String, changes: [String: [Double]])
    /// A write to the model every client shares: `parameter` filled with `value`.
    case shared(parameter: String, value: Double)
    case create(String)
    case delete(String)

    var description: String {
        switch self {
        case .own(let model, let changes):
            "\(model): " + changes.keys.sorted().map { "\($0) := \(changes[$0]!.first ?? .nan)…" }.joined(separator: ", ")
        case .shared(let parameter, let value): "shared: \(parameter) := \(value)"
        case .create(let name): "create \(name)"
        case .delete(let name): "delete \(name)"
        }
    }
}

/// What one client saw in one round.
struct DurabilityClientOutcome: Sendable {
    /// Writes answered 2xx, in order, with the version the answer carried.
    var acknowledged: [(write: DurabilityWrite, version: Int)] = []
    /// The write in flight when the connection died: applied wholly or not at all.
    var pending: DurabilityWrite?
    /// Answers that should not happen while the server is up (any non-2xx).
    var unexpected: [String] = []
}

/// What the data directory must hold: every acknowledged write, per model.
struct DurabilityLedger {
    struct ModelState: Equatable {
        var version: Int
        var values: [String: [Double]]
    }

    /// Each client's own model (one writer, so its state is known exactly).
    var own: [String: ModelState] = [:]
    /// The shared model as read at the start of the round.
    var shared = ModelState(version: 0, values: [:])
    /// Temporary models and whether they exist.
    var temporary: Set<String> = []

    /// The ledger as the server reports it now (the start of a round).
    static func read(from server: ServerProcess, clients: Int) throws -> DurabilityLedger {
        var ledger = DurabilityLedger()
        for client in 0..<clients {
            let name = DurabilityLedger.ownName(client)
            ledger.own[name] = try readState(name, from: server)
        }
        ledger.shared = try readState("shared", from: server)
        ledger.temporary = Set(try listedNames(server).filter { $0.hasPrefix("tmp-") })
        return ledger
    }

    static func ownName(_ client: Int) -> String { "own-\(client)" }

    /// Version and every parameter's values; throws when the model cannot be read.
    static func readState(_ name: String, from server: ServerProcess) throws -> ModelState {
        let response = try server.wire("GET", "/v1/models/\(name)/parameters?values=true")
        guard response.status == 200, let version = response.etagVersion,
            let parameters = response.object["parameters"] as? [[String: Any]]
        else { throw LedgerError.unreadable(name, status: response.status, body: response.text) }
        var values: [String: [Double]] = [:]
        for parameter in parameters {
            guard let path = parameter["name"] as? String, let flat = TensorJSON.flatten(parameter["value"]) else {
                throw LedgerError.unreadable(name, status: response.status, body: response.text)
            }
            values[path] = flat
        }
        return ModelState(version: version, values: values)
    }

    /// The names GET /v1/models lists, failing on any entry flagged damaged.
    static func listedNames(_ server: ServerProcess) throws -> [String] {
        let response = try server.wire("GET", "/v1/models")
        guard response.status == 200, let models = response.object["models"] as? [[String: Any]] else {
            throw LedgerError.unreadable("(listing)", status: response.status, body: response.text)
        }
        if let damaged = models.first(where: { $0["damaged"] != nil }) {
            throw LedgerError.damaged("\(damaged)")
        }
        return models.compactMap { $0["name"] as? String }
    }

    enum LedgerError: Error, CustomStringConvertible {
        case unreadable(String, status: Int, body: String)
        case damaged(String)

        var description: String {
            switch self {
            case .unreadable(let name, let status, let body): "model \(name) unreadable: \(status) \(body.prefix(300))"
            case .damaged(let entry): "a model is listed as damaged: \(entry)"
            }
        }
    }
}
