extension ConnectionMachine {
    /// Enforces the deadlines of ``HTTPTimeouts`` at `now` (the shell calls it every 100 ms):
    /// a head or body that stalls gets 408, a silent or idle connection closes, a response the
    /// client does not read is abandoned, a lingering close ends.
    mutating func tick(now: UInt64) -> ConnectionAction {
        let timeouts = environment.timeouts
        // The shell's close reports a request cut short (``closed(now:)``), so the phase stays.
        if pendingOutput > 0 && elapsed(since: lastWriteProgress, now) > timeouts.write.monotonicNanoseconds { return .close }
        switch phase {
        case .handshaking(let since):
            guard elapsed(since: since, now) > timeouts.head.monotonicNanoseconds else { return .none }
            phase = .closed
            return .close
        case .awaitingHead(let state):
            if let started = state.headStartedAt {
                guard elapsed(since: started, now) > timeouts.head.monotonicNanoseconds else { return .none }
                return fail(.requestTimeout, nil, now: now)
            }
            guard unreadCount == 0 else { return .none }
            let limit = requestsServed == 0 ? timeouts.head : timeouts.idle
            guard elapsed(since: state.since, now) > limit.monotonicNanoseconds else { return .none }
            phase = .closed
            return .close
        case .readingBody(let reading):
            guard elapsed(since: reading.lastProgress, now) > timeouts.body.monotonicNanoseconds else { return .none }
            return fail(.requestTimeout, nil, now: now)
        case .lingering(let until):
            guard now > until else { return .none }
            phase = .closed
            return .close
        case .responding, .finishing, .closed:
            return .none
        }
    }

    private func elapsed(since start: UInt64, _ now: UInt64) -> UInt64 {
        now > start ? now - start : 0
    }
}
