import HTTP
import Logging
import Synchronization

extension ParamdService {
    /// `?consistent=true` and `Paramd-Min-Version` on every `/v1/models/{model}…` route of a
    /// replica on a shared store: before answering, the replica catches up with the committed
    /// version (or the one the header names), so a client that wrote through replica A reads its
    /// write through replica B. Without them a replica answers from its snapshot, which trails
    /// the store by one notification (milliseconds; at most the outage after a lost connection).
    func addReplicaRoutes(to router: inout Router) {
        guard registry.store is any ReplicatedStore else { return }
        router.use { [self] request, next in
            guard let name = Self.modelNameInPath(request.path) else { return try await next(request) }
            let consistent = request.queryValue("consistent")
            let header = request.headers["Paramd-Min-Version"]
            guard consistent != nil || header != nil else { return try await next(request) }
            var minimum: Int?
            if let header {
                guard let version = Int(header), version >= 1 else {
                    throw Problem.badRequest(
                        "Paramd-Min-Version must be a model version (an integer from 1), got \(header.debugDescription)",
                        slug: "invalid-header", path: "Paramd-Min-Version")
                }
                minimum = version
            }
            switch consistent {
            case nil, "false": if minimum == nil { return try await next(request) }
            case "true": break
            case let other?:
                throw Problem.badRequest(
                    "query parameter consistent must be true or false, got \(other.debugDescription)", slug: "invalid-query", path: "consistent")
            }
            do throws(ModelStoreError) {
                try await registry.catchUp(name, atLeast: minimum)
            } catch {
                throw Problem(store: error)
            }
            return try await next(request)
        }
    }

    /// `mlp` from `/v1/models/mlp` or `/v1/models/mlp/parameters/0.weight`; nil elsewhere.
    static func modelNameInPath(_ path: String) -> String? {
        let prefix = "/v1/models/"
        guard path.hasPrefix(prefix) else { return nil }
        let rest = path.dropFirst(prefix.count)
        let name = String(rest.prefix { $0 != "/" })
        return ModelName.isValid(name) ? name : nil
    }

    /// Waits until a shared store answers (retrying with backoff, logging each failure), then
    /// loads from it; a file store loads at once.
    func waitForSharedStore() async {
        guard let shared = registry.store as? any ReplicatedStore else { return }
        var backoff = Duration.milliseconds(100)
        while true {
            do {
                _ = try await shared.list()
                return
            } catch {
                logger.warning("the model store cannot be reached; retrying", metadata: ["error": "\(error)", "retry_in": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    /// Starts following other replicas' commits (no-op on a file store).
    func startFollowingSharedStore() {
        guard let shared = registry.store as? any ReplicatedStore else { return }
        let registry = self.registry
        let logger = self.logger
        let follower = shared.follow(
            onCommit: { name, version in
                Task { await registry.catchUp(name, version: version) }
            },
            onReconnect: {
                Task {
                    do {
                        try await registry.catchUpAll()
                        logger.info("caught up with the model store")
                    } catch {
                        logger.warning("could not catch up with the model store", metadata: ["error": "\(error)"])
                    }
                }
            })
        replicaFollower.withLock { $0 = follower }
    }
}
