import HTTP
import NeuralNet

/// Committed changes to models, fanned out to whoever follows them (`GET /v1/models/{model}/events`).
///
/// Publishing never waits: each follower has a bounded buffer that keeps the newest items, so
/// a follower that reads slowly (or not at all) misses old events — and sees the gap in the
/// versions — instead of holding up a commit. ``finishAll()`` ends every stream (shutdown).
final class ModelEvents: Sendable {
    /// One committed version of a model, or its creation or deletion.
    struct Event: Sendable, Equatable {
        enum Change: Sendable, Equatable {
            case created
            /// A durable write: the parameters whose values it replaced, by their first path.
            case updated(parameters: [String])
            case deleted
        }

        let model: String
        let version: Int
        let change: Change
    }

    /// What a follower's stream carries: events, and a regular beat (so proxies that close idle
    /// connections keep it open).
    enum Item: Sendable, Equatable {
        case event(Event)
        case heartbeat
    }

    /// Items buffered per follower before the oldest are dropped.
    static let bufferLimit = 64

    private struct Table {
        /// Each follower's stream, by model name and a number of its own.
        var followers: [String: [Int: AsyncStream<Item>.Continuation]] = [:]
        var nextID = 0
        var isFinished = false
    }

    private let table = Locked(Table())

    /// Whether anyone follows `model`: commits skip working out what changed when nobody asks.
    func hasFollowers(_ model: String) -> Bool {
        table.withLock { $0.followers[model]?.isEmpty == false }
    }

    /// Delivers `event` to every follower of its model without waiting for any of them.
    func publish(_ event: Event) {
        let followers = table.withLock { Array(($0.followers[event.model] ?? [:]).values) }
        for follower in followers { follower.yield(.event(event)) }
    }

    /// A stream of `model`'s events from now on, with a heartbeat every `heartbeat`. It ends
    /// when the consumer stops iterating or drops it, and for every follower at ``finishAll()``.
    func follow(_ model: String, heartbeat: Duration) -> AsyncStream<Item> {
        let (stream, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .bufferingNewest(Self.bufferLimit))
        let id: Int? = table.withLock { table in
            guard !table.isFinished else { return nil }
            let id = table.nextID
            table.nextID += 1
            table.followers[model, default: [:]][id] = continuation
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        let beats = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: heartbeat)
                if Task.isCancelled { return }
                continuation.yield(.heartbeat)
            }
        }
        continuation.onTermination = { [weak self] _ in
            beats.cancel()
            self?.table.withLock { table in
                table.followers[model]?[id] = nil
                if table.followers[model]?.isEmpty == true { table.followers[model] = nil }
            }
        }
        return stream
    }

    /// Ends every stream, and every stream asked for later (the server is shutting down).
    func finishAll() {
        let followers = table.withLock { table in
            table.isFinished = true
            return table.followers.values.flatMap(\.values)
        }
        for follower in followers { follower.finish() }
    }

    /// The parameters of `new` whose values are not the very tensors of `old`: a write copies
    /// only the tensors it changes (copy-on-write), so shared storage means unchanged.
    /// O(parameters), no element is read.
    static func changedParameters(from old: Model, to new: Model) -> [String] {
        guard let after = try? new.namedParameters() else { return [] }
        let before = Dictionary(((try? old.namedParameters()) ?? []).map { ($0.id, $0.value) }, uniquingKeysWith: { first, _ in first })
        return after.filter { parameter in
            guard let previous = before[parameter.id] else { return true }
            return !previous.sharesStorage(with: parameter.value)
        }.map(\.path)
    }
}
