import HTTP
import Logging
import Synchronization

extension ParamdService {
    /// `?consistent=true` and `Paramd-Min-Version` on every `/v1/models/{model}…` and `/v2/models/{model}…` route of a
    /// replica on a shared store: before answering, the replica catches up with the committed
    /// version (or the one the header names), so a client that wrote through replica A reads its
    /// write through replica B. Without them a replica answers from its snapshot, which trails
    /// the store by one notification (milliseconds; at most the outage after a lost connection).
    ///
    /// On a store of one process (the file store) every answer is already the committed version:
    /// the two are still checked, so a malformed value is a 400 on every store.
    func addReplicaRoutes(to router: inout Router) {
        let replicated = registry.store is any ReplicatedStore
        router.use(
            HTTPMiddleware { [self] request in
                // Most requests ask nothing of a store of one process: no work for them.
                guard replicated || request.headers["Paramd-Min-Version"] != nil || request.queryValue("consistent") != nil,
                    let name = Self.modelNameInPath(request.path)
                else { return .proceed }
                let consistency: ReadConsistency
                do {
                    consistency = try Self.consistency(request)
                } catch {
                    return .answer(Self.replicaRefusal(error, request))
                }
                guard replicated, consistency != .snapshot else { return .proceed }
                return .wait { [self] in
                    do {
                        try await registry.catchUp(name, atLeast: consistency == .committed ? nil : consistency.version)
                    } catch {
                        return Self.replicaRefusal(error, request)
                    }
                    return nil
                }
            })
    }

    /// The error of a replica's catch-up or its headers, in the protocol of the request's path:
    /// the inference protocol's own body on /v2, problem+json on /v1.
    private static func replicaRefusal(_ error: any Error, _ request: HTTPRequest) -> HTTPResponse {
        if request.path.hasPrefix("/v2/") { return InferenceErrorBody.response(for: error) }
        return .problem(Problem(error), instance: request.path)
    }

    /// What a read asks of a replica's snapshot.
    enum ReadConsistency: Equatable {
        /// Whatever the replica holds (the default).
        case snapshot
        /// The committed version (`consistent=true`).
        case committed
        /// At least this version (`Paramd-Min-Version`).
        case atLeast(Int)

        /// The version `atLeast` names.
        var version: Int? {
            guard case .atLeast(let version) = self else { return nil }
            return version
        }
    }

    /// - Throws: 400 for a malformed `consistent` or `Paramd-Min-Version`.
    static func consistency(_ request: HTTPRequest) throws(Problem) -> ReadConsistency {
        var minimum: Int?
        if let header = request.headers["Paramd-Min-Version"] {
            guard let version = Int(header), version >= 1 else {
                throw Problem.badRequest(
                    "Paramd-Min-Version must be a model version (an integer from 1), got \(header.debugDescription)",
                    slug: "invalid-header", path: "Paramd-Min-Version")
            }
            minimum = version
        }
        switch request.queryValue("consistent") {
        case nil, "false": return minimum.map(ReadConsistency.atLeast) ?? .snapshot
        case "true": return .committed  // the committed version is at least any acknowledged one
        case let other?:
            throw Problem.badRequest(
                "query parameter consistent must be true or false, got \(other.debugDescription)", slug: "invalid-query", path: "consistent"
            )
        }
    }

    /// `mlp` from `/v1/models/mlp`, `/v1/models/mlp/parameters/0.weight` or the inference
    /// protocol's `/v2/models/mlp/infer`; nil elsewhere.
    static func modelNameInPath(_ path: String) -> String? {
        guard let prefix = ["/v1/models/", "/v2/models/"].first(where: path.hasPrefix) else { return nil }
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
                Task {
                    do {
                        try await registry.catchUp(name, version: version)
                    } catch {
                        // The snapshot stays as it was; the next commit or reconnect catches up.
                        logger.warning("could not fetch a commit", metadata: ["model": "\(name)", "error": "\(error)"])
                    }
                }
            },
            onReconnect: {
                Task {
                    // The listener is back, so the database is; a first query may still meet a
                    // connection that died with the old server: try again for a while.
                    var backoff = Duration.milliseconds(100)
                    for _ in 0..<20 {
                        do {
                            try await registry.catchUpAll()
                            logger.info("caught up with the model store")
                            return
                        } catch {
                            logger.warning("could not catch up with the model store yet", metadata: ["error": "\(error)"])
                            try? await Task.sleep(for: backoff)
                            backoff = min(backoff * 2, .seconds(5))
                        }
                    }
                }
            })
        replicaFollower.withLock { $0 = follower }
    }
}
