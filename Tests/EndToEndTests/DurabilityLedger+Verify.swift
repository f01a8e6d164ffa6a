import Foundation

extension DurabilityLedger {
    /// Compares what the restarted server holds with this ledger (the round's start) plus the
    /// round's outcomes; returns one line per violation.
    ///
    /// - Own models: exactly the state after the last acknowledged write, or that state with
    ///   the pending write wholly applied (version one higher).
    /// - Shared model: version at least the highest acknowledged; each parameter holds its
    ///   latest acknowledged value, or the value of a pending write to it (never a mixture).
    /// - Temporary models: acknowledged creates exist, acknowledged deletes do not; pending
    ///   ones either; every listed model reads.
    func violations(on server: ServerProcess, outcomes: [DurabilityClientOutcome]) -> [String] {
        var problems: [String] = []
        for (client, outcome) in outcomes.enumerated() {
            problems += verifyOwn(client: client, outcome: outcome, server: server)
        }
        problems += verifyShared(outcomes: outcomes, server: server)
        problems += verifyTemporary(outcomes: outcomes, server: server)
        return problems
    }

    private func verifyOwn(client: Int, outcome: DurabilityClientOutcome, server: ServerProcess) -> [String] {
        let name = Self.ownName(client)
        guard var expected = own[name] else { return ["\(name) missing from the ledger"] }
        var problems: [String] = []
        for (write, version) in outcome.acknowledged {
            guard case .own(_, let changes) = write else { continue }
            if version != expected.version + 1 {
                problems.append("\(name): a write acknowledged version \(version) after version \(expected.version) (one writer)")
            }
            expected.version = version
            expected.values.merge(changes) { _, new in new }
        }
        var alternative: ModelState?
        if case .own(_, let changes)? = outcome.pending {
            var applied = expected
            applied.version += 1
            applied.values.merge(changes) { _, new in new }
            alternative = applied
        }
        let actual: ModelState
        do {
            actual = try Self.readState(name, from: server)
        } catch {
            return problems + ["\(name): \(error)"]
        }
        if actual != expected && actual != alternative {
            problems.append(
                "\(name): stored version \(actual.version) does not match the acknowledged version \(expected.version)"
                    + (alternative.map { " (or \($0.version) with the pending write)" } ?? "")
                    + "; differing parameters: \(differences(actual, expected))"
                    + (outcome.pending.map { "; pending: \($0)" } ?? ""))
        }
        return problems
    }

    private func differences(_ actual: ModelState, _ expected: ModelState) -> String {
        expected.values.keys.sorted().filter { actual.values[$0] != expected.values[$0] }.map { path in
            "\(path) stored \(actual.values[path].map { Array($0.prefix(3)) } ?? []) expected \(Array(expected.values[path]!.prefix(3)))"
        }.joined(separator: "; ")
    }

    private func verifyShared(outcomes: [DurabilityClientOutcome], server: ServerProcess) -> [String] {
        var latest: [String: (version: Int, value: Double)] = [:]
        var highest = shared.version
        var pending: [String: [Double]] = [:]
        for outcome in outcomes {
            for (write, version) in outcome.acknowledged {
                guard case .shared(let parameter, let value) = write else { continue }
                highest = max(highest, version)
                if version > latest[parameter]?.version ?? Int.min { latest[parameter] = (version, value) }
            }
            if case .shared(let parameter, let value)? = outcome.pending { pending[parameter, default: []].append(value) }
        }
        let actual: ModelState
        do {
            actual = try Self.readState("shared", from: server)
        } catch {
            return ["shared: \(error)"]
        }
        var problems: [String] = []
        let pendingCount = pending.values.reduce(0) { $0 + $1.count }
        if actual.version < highest || actual.version > highest + pendingCount {
            problems.append("shared: stored version \(actual.version), acknowledged up to \(highest) with \(pendingCount) pending")
        }
        for (path, baseline) in shared.values {
            guard let stored = actual.values[path] else {
                problems.append("shared: parameter \(path) missing")
                continue
            }
            let acknowledged = latest[path]
            let expected = acknowledged.map { Array(repeating: $0.value, count: baseline.count) } ?? baseline
            if stored == expected { continue }
            let fromPending =
                actual.version > (acknowledged?.version ?? shared.version)
                && (pending[path] ?? []).contains { value in stored.allSatisfy { $0 == value } }
            if !fromPending {
                problems.append(
                    "shared: \(path) holds \(Array(stored.prefix(4))), expected \(acknowledged.map { "\($0.value) (acknowledged at version \($0.version))" } ?? "its value at the round's start")"
                        + (pending[path].map { " or a pending \($0)" } ?? ""))
            }
        }
        return problems
    }

    private func verifyTemporary(outcomes: [DurabilityClientOutcome], server: ServerProcess) -> [String] {
        var existing = temporary
        var undecided: Set<String> = []
        for outcome in outcomes {
            for (write, _) in outcome.acknowledged {
                switch write {
                case .create(let name): existing.insert(name)
                case .delete(let name): existing.remove(name)
                default: break
                }
            }
            switch outcome.pending {
            case .create(let name)?, .delete(let name)?: undecided.insert(name)
            default: break
            }
        }
        let listed: Set<String>
        do {
            listed = Set(try Self.listedNames(server))
        } catch {
            return ["listing: \(error)"]
        }
        var problems: [String] = []
        for name in existing.subtracting(undecided) where !listed.contains(name) {
            problems.append("\(name): acknowledged as created (and not deleted) but gone after the restart")
        }
        let known = Set(own.keys).union(["shared"]).union(existing).union(undecided)
        for name in listed.subtracting(known) {
            problems.append("\(name): listed after the restart, but its delete was acknowledged (or it was never created)")
        }
        for name in listed.sorted() {
            do {
                _ = try Self.readState(name, from: server)
            } catch {
                problems.append("\(name): listed but \(error)")
            }
        }
        return problems
    }
}
