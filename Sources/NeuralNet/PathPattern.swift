/// A dotted path pattern: `*` stands for one segment, `**` for any number (zero included),
/// and `*` inside a segment for any run of characters (`block *`). Anything else is literal.
///
/// `**.weight` selects every weight, `0.*.0.bias` the first bias of each block of module 0.
public struct PathPattern: Sendable, Equatable, CustomStringConvertible {
    public let description: String
    private let segments: [String]

    /// - Throws: `invalidArgument` for an empty pattern or an empty segment (`a..b`).
    public init(_ pattern: String, location: String = "pattern") throws {
        guard !pattern.isEmpty else {
            throw NeuralNetError.invalidArgument(location: location, reason: "must not be empty; use \"**\" for everything")
        }
        let parts = pattern.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty) else {
            throw NeuralNetError.invalidArgument(location: location, reason: "'\(pattern)' has an empty segment")
        }
        guard parts.count <= 256 else {
            throw NeuralNetError.invalidArgument(location: location, reason: "has more than 256 segments")
        }
        description = pattern
        segments = parts
    }

    /// Whether `path` (a dotted path; "" is the root) matches.
    public func matches(_ path: String) -> Bool {
        let parts = path.isEmpty ? [] : path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        return Self.match(segments[...], parts[...])
    }

    /// True when the pattern has no wildcard, so it names exactly one path.
    public var isLiteral: Bool { !description.contains("*") }

    /// Dynamic programming over (pattern, path) positions: O(pattern · path), so no pattern
    /// of repeated `**` can make matching exponential.
    private static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        let p = Array(pattern)
        let s = Array(path)
        // reachable[j]: the first i pattern segments can consume the first j path segments.
        var reachable = [Bool](repeating: false, count: s.count + 1)
        reachable[0] = true
        for segment in p {
            var next = [Bool](repeating: false, count: s.count + 1)
            if segment == "**" {
                var any = false
                for j in 0...s.count {
                    any = any || reachable[j]
                    next[j] = any
                }
            } else {
                for j in 0..<s.count where reachable[j] && glob(segment, s[j]) { next[j + 1] = true }
            }
            reachable = next
        }
        return reachable[s.count]
    }

    /// `*` in `pattern` matches any run of characters, within one segment.
    private static func glob(_ pattern: String, _ text: String) -> Bool {
        if !pattern.contains("*") { return pattern == text }
        let p = Array(pattern)
        let t = Array(text)
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
