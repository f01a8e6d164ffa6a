/// Following a shared store: models that other replicas created, changed or deleted.
extension ModelRegistry {
    /// Brings `name` to the store's state after a commit was heard at `version` (0: deleted).
    /// A version this replica already holds costs nothing (its own commits come back this way).
    func catchUp(_ name: String, version: Int) async throws(ModelStoreError) {
        switch entries[name] {
        case .ready(let owner)?:
            if let state = owner.stateIfPresent, state.version == version { return }
            try await catchUp(owner)
        case .reserved?:
            // A create in progress here publishes the model itself. An adoption under way (a
            // notification's, or another read's) loads the store's state: wait for it, then
            // look again.
            guard adoptions[name] != nil else { return }
            await withCheckedContinuation { adoptions[name, default: []].append($0) }
            try await catchUp(name, version: version)
        case .damaged?, nil:
            try await adopt(name)
        }
    }

    /// Catches up until `name` is at `version` or later; nil asks the store which version is
    /// committed (`?consistent=true`).
    func catchUp(_ name: String, atLeast version: Int?) async throws(ModelStoreError) {
        guard let source = store as? any ReplicatedStore else { return }
        let target: Int
        if let version {
            target = version
        } else {
            guard let committed = try await source.committedVersion(of: name) else {
                if case .ready(let owner)? = entries[name] { try await catchUp(owner) }
                return
            }
            target = committed
        }
        if case .ready(let owner)? = entries[name], let state = owner.stateIfPresent, state.version >= target { return }
        try await catchUp(name, version: target)
    }

    /// Compares every version with the store's and catches up what differs: after a lost
    /// connection, when notifications may have been missed.
    func catchUpAll() async throws(ModelStoreError) {
        let listing = try await store.list()
        let stored = Dictionary(listing.models.map { ($0.name, $0.version) }, uniquingKeysWith: { first, _ in first })
        for (name, entry) in entries where stored[name] == nil {
            switch entry {
            case .ready(let owner): try await catchUp(owner)
            case .damaged: entries[name] = nil
            case .reserved: break
            }
        }
        for (name, version) in stored {
            if case .ready(let owner)? = entries[name], owner.stateIfPresent?.version == version { continue }
            try await catchUp(name, version: version)
        }
    }

    /// Loads a model this replica does not hold yet.
    private func adopt(_ name: String) async throws(ModelStoreError) {
        guard maxModels > entries.count || entries[name] != nil else { return }
        entries[name] = .reserved
        adoptions[name] = []
        defer {
            for waiter in adoptions.removeValue(forKey: name) ?? [] { waiter.resume() }
        }
        do {
            let stored = try await store.load(name, tensors: nil)
            let state = try ModelState(stored: stored, limits: limits)
            commit(ModelOwner(state, store: store, events: events))
        } catch ModelStoreError.notFound {
            release(name)
        } catch ModelStoreError.unavailable(let reason) {
            release(name)
            throw .unavailable(reason)
        } catch {
            entries[name] = .damaged(reason: "\(error)")
        }
    }

    /// Catches `owner` up; forgets its model when another replica deleted it.
    private func catchUp(_ owner: ModelOwner) async throws(ModelStoreError) {
        let version = owner.stateIfPresent?.version ?? 0
        guard try await !owner.catchUp(), case .ready(let current)? = entries[owner.name], current === owner else { return }
        entries[owner.name] = nil
        events.publish(ModelEvents.Event(model: owner.name, version: version, change: .deleted))
    }
}
