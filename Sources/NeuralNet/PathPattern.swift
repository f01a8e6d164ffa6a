/// A dotted path pattern: `*` stands for one segment, `**` for any number (zero included),
/// and `*` inside a segment for any run of characters (`block *`). Anything else is literal.
///
/// `**.weight` selects every weight, `0.*.0.bias` the first bias of each block of module 0.
///
/// Matching runs the pattern as a nondeterministic automaton over path segments: a state is
/// how many pattern segments have been consumed. `advance` steps it by one segment, so a
/// tree walk matches every path in O(paths · pattern segments) without re-reading prefixes.
public struct PathPattern: Sendable, Equatable, CustomStringConvertible {
    /// Longest pattern, in segments.
    public static let maxSegments = 63

    public let description: String
    private let segments: [String]
    /// The characters of each segment that contains `*` inside it (nil for plain and `**`).
    private let globs: [[Character]?]

    /// Which numbers of consumed pattern segments are reachable; bit i = i segments
    /// (at most 63 segments plus the start fit one word).
    public struct State: Sendable, Equatable {
        fileprivate var bits: UInt64
        /// True when nothing can match any more, so a walk can stop descending.
        public var isDead: Bool { bits == 0 }
    }

    /// - Throws: `invalidArgument` for an empty pattern, an empty segment (`a..b`) or more
    ///   than `maxSegments` segments.
    public init(_ pattern: String, location: String = "pattern") throws {
        guard !pattern.isEmpty else {
            throw NeuralNetError.invalidArgument(location: location, reason: "must not be empty; use \"**\" for everything")
        }
        let parts = pattern.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty) else {
            throw NeuralNetError.invalidArgument(location: location, reason: "'\(pattern)' has an empty segment")
        }
        guard parts.count <= Self.maxSegments else {
            throw NeuralNetError.invalidArgument(location: location, reason: "has more than \(Self.maxSegments) segments")
        }
        description = pattern
        // `**.**` means what `**` means; collapsing keeps the automaton small.
        var collapsed: [String] = []
        for p in parts where !(p == "**" && collapsed.last == "**") { collapsed.append(p) }
        segments = collapsed
        globs = collapsed.map { $0 != "*" && $0 != "**" && $0.contains("*") ? Array($0) : nil }
    }

    /// The state before any segment: the root path "".
    public var start: State { closure(State(bits: 1)) }

    /// The state after one more path segment.
    public func advance(_ state: State, by segment: String) -> State {
        var next: UInt64 = 0
        var bits = state.bits
        while bits != 0 {
            let i = bits.trailingZeroBitCount
            bits &= bits - 1
            guard i < segments.count else { continue }
            let p = segments[i]
            if p == "**" {
                next |= 1 << UInt64(i)
            } else if p == "*" || (globs[i].map { Self.glob($0, Array(segment)) } ?? (p == segment)) {
                next |= 1 << UInt64(i + 1)
            }
        }
        return closure(State(bits: next))
    }

    /// Whether the path read so far matches the whole pattern.
    public func accepts(_ state: State) -> Bool {
        state.bits & (1 << UInt64(segments.count)) != 0
    }

    /// Adds the states reachable by letting `**` match nothing.
    private func closure(_ state: State) -> State {
        var bits = state.bits
        for (i, p) in segments.enumerated() where p == "**" && bits & (1 << UInt64(i)) != 0 {
            bits |= 1 << UInt64(i + 1)
        }
        return State(bits: bits)
    }

    /// Whether `path` (a dotted path; "" is the root) matches.
    /// - Complexity: O(path segments · pattern segments).
    public func matches(_ path: String) -> Bool {
        var state = start
        if !path.isEmpty {
            for part in path.split(separator: ".", omittingEmptySubsequences: false) {
                state = advance(state, by: String(part))
                if state.isDead { return false }
            }
        }
        return accepts(state)
    }

    /// True when the pattern has no wildcard, so it names exactly one path.
    public var isLiteral: Bool { !description.contains("*") }

    /// `*` in `pattern` matches any run of characters, within one segment.
    private static func glob(_ p: [Character], _ t: [Character]) -> Bool {
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == t[ti], p[pi] != "*" {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
