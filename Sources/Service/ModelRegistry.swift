import HTTP
import NeuralNet

/// Maps model names to their owners. The actor orders the table's changes (create, delete,
/// list); a lookup reads the table under its lock, without entering the actor, so a request
/// on an event loop finds its model without a hop to the pool and back. Everything per model
/// happens in its ``ModelOwner``, outside the actor.
actor ModelRegistry {
    enum Entry: Sendable {
        case ready(ModelOwner)
        /// Stored, but unreadable: reported by its routes, removable with DELETE.
        case damaged(reason: String)
        /// A create in progress: the name is taken until it commits or fails.
        case reserved
    }

    /// The table, changed only by the actor's methods; read by anyone through ``table``.
    var entries: [String: Entry] {
        get { table.withLock { $0 } }
        set { table.withLock { $0 = newValue } }
    }
    private let table = Locked<[String: Entry]>([:])
    let store: any ModelStore
    let limits: ModelLimits
    let maxModels: Int
    /// Creations, committed versions and deletions, for whoever follows a model.
    let events = ModelEvents()
    /// Models another replica made that this one is loading (their entries are `.reserved`
    /// meanwhile), and who waits for each load to end: a read that must see the committed
    /// version waits rather than answering 404 from the reservation.
    var adoptions: [String: [CheckedContinuation<Void, Never>]] = [:]

    init(store: any ModelStore, limits: ModelLimits, maxModels: Int) {
        self.store = store
        self.limits = limits
        self.maxModels = maxModels
    }

    /// Loads everything stored; returns how many loaded and which are damaged, and why.
    func loadAll() async -> (loaded: Int, damaged: [(name: String, reason: String)]) {
        let inventory = await store.loadAll()
        var damaged = inventory.damaged
        var loaded = 0
        for stored in inventory.models {
            do {
                let state = try ModelState(stored: stored, limits: limits)
                entries[stored.name] = .ready(ModelOwner(state, store: store, events: events))
                loaded += 1
            } catch {
                damaged.append((stored.name, "\(error)"))
            }
        }
        for (name, reason) in damaged { entries[name] = .damaged(reason: reason) }
        return (loaded, damaged)
    }

    /// The owner of `name`; `.unknown` when there is none, `.damaged` with the reason when it
    /// could not be loaded.
    nonisolated func slot(named name: String) throws(ModelError) -> ModelOwner {
        switch table.withLock({ $0[name] }) {
        case .ready(let slot)?: return slot
        case .damaged(let reason)?: throw .damaged(name: name, reason: reason)
        case .reserved?, nil: throw .unknown(name: name)
        }
    }

    /// Takes `name` for a create: `.nameTaken` when it exists, `.tooManyModels` when the
    /// server is full.
    func reserve(_ name: String) throws(ModelError) {
        guard entries[name] == nil else { throw .nameTaken(name: name) }
        guard entries.count < maxModels else { throw .tooManyModels(limit: maxModels) }
        entries[name] = .reserved
    }

    /// Publishes a created model under its reserved name.
    func commit(_ slot: ModelOwner) {
        entries[slot.name] = .ready(slot)
        if let state = slot.stateIfPresent {
            events.publish(ModelEvents.Event(model: slot.name, version: state.version, change: .created))
        }
    }

    /// Gives up a reservation after a failed create.
    func release(_ name: String) {
        if case .reserved? = entries[name] { entries[name] = nil }
    }

    /// Deletes `name`: the slot serializes it after in-flight writes; a damaged model's folder
    /// is removed directly.
    func delete(_ name: String, condition: EntityTag.Condition?) async throws {
        switch entries[name] {
        case .ready(let slot)?:
            let version = try await slot.remove(condition: condition)
            if case .ready(let current)? = entries[name], current === slot { entries[name] = nil }
            events.publish(ModelEvents.Event(model: name, version: version, change: .deleted))
        case .damaged?:
            do {
                try await store.apply(.delete(name: name, expectedVersion: nil))
            } catch .notFound {
                // Already gone (e.g. a damaged folder removed by hand): the goal is reached.
            }
            entries[name] = nil
        case .reserved?, nil:
            throw ModelError.unknown(name: name)
        }
    }

    /// Every model by name, with damaged ones and their reasons.
    func list() -> [(name: String, state: ModelState?, damage: String?)] {
        entries.keys.sorted().compactMap { name in
            switch entries[name]! {
            case .ready(let slot): slot.stateIfPresent.map { (name, $0, nil) }
            case .damaged(let reason): (name, nil, reason)
            case .reserved: nil
            }
        }
    }

    /// Models held and their parameters in all, for the metrics.
    func inventory() -> (models: Int, parameters: Int) {
        var models = 0
        var parameters = 0
        for case .ready(let slot) in entries.values {
            guard let state = slot.stateIfPresent else { continue }
            models += 1
            parameters += state.model.parameterCount
        }
        return (models, parameters)
    }

}
