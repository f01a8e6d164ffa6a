import Prometheus
import Synchronization

/// The per-request families of ``ServiceMetrics``, counted in shards and rendered in the
/// Prometheus text format at scrape time:
///
/// - `paramd_http_requests_total{method,route,status}` (counter)
/// - `paramd_http_request_duration_seconds{method,route}` (histogram)
/// - `paramd_http_request_bytes_total{route}`, `paramd_http_response_bytes_total{route}` (counters)
/// - `paramd_event_loop_requests_total{loop}` (counter): requests each event loop served (loops
///   past the 16th share the series of their index modulo 16), to see whether loops share the load
///   and, beside each loop thread's CPU time (threads are named `paramd-loop-N`), what a request
///   costs on each
///
/// Recording runs for every request on the event loop that served it: each loop has its own
/// shard, so a request takes one uncontended lock and adds to plain integers (a bucket found by
/// a binary search), where the Prometheus collectors took a lock per histogram and compared
/// the duration with every bucket. A scrape merges the shards; the text is what those collectors wrote.
final class RequestMetrics: Sendable {
    /// Upper bounds of the latency buckets, ascending (`le`; +Inf is implied).
    private let bounds: [Duration]
    /// The bounds in attoseconds, for the per-request search: comparing `Duration`s went through
    /// a call per comparison; their attoseconds compare exactly as they do, inline.
    private let boundAttoseconds: [Int128]
    private let shards: [Shard]

    init(buckets: [Duration], shards: Int = 16) {
        precondition(shards > 0, "request metrics need a shard")
        bounds = buckets.sorted()
        boundAttoseconds = bounds.map(\.attoseconds)
        self.shards = (0..<shards).map { _ in Shard() }
    }

    /// Records one request into `shard` (the event loop's index, reduced to the shards held).
    func record(
        method: String, route: String, status: Int, bytesIn: Int, bytesOut: Int, duration: Duration, shard: Int
    ) {
        let attoseconds = duration.attoseconds
        let bucket = bucketIndex(of: attoseconds)
        let key = Key(method: method, route: route, status: status)
        // The loop's index is below the shard count but on servers with more than 16 loops.
        let index = shard >= 0 && shard < shards.count ? shard : abs(shard % shards.count)
        shards[index].state.withLock { state in
            let counts = state.counts(for: key, buckets: bounds.count)
            counts.requests += 1
            counts.bytesIn += bytesIn
            counts.bytesOut += bytesOut
            counts.durationAttoseconds &+= attoseconds
            counts.buckets[bucket] += 1
        }
    }

    /// The first bucket whose bound is at least `duration` (`bounds.count` for +Inf only),
    /// comparing attoseconds, exact (a conversion to nanoseconds would be a 128-bit division,
    /// and round). From the smallest bound up: most requests end in the first bucket or two,
    /// found in a compare or two, where a binary search always took four.
    private func bucketIndex(of attoseconds: Int128) -> Int {
        return boundAttoseconds.withUnsafeBufferPointer { bounds in
            var index = 0
            while index < bounds.count && bounds[index] < attoseconds { index += 1 }
            return index
        }
    }

    // MARK: Rendering

    /// The five families in the Prometheus text format (the `paramd_http_` ones as
    /// `PrometheusCollectorRegistry` writes them), series sorted by their labels; nothing before
    /// the first request.
    func render(into buffer: inout [UInt8]) {
        var merged: [Key: Totals] = [:]
        var perLoop: [Int] = []
        for shard in shards {
            var served = 0
            shard.state.withLock { state in
                for (key, counts) in state.table {
                    merged[key, default: Totals(buckets: bounds.count)].add(counts)
                    served += counts.requests
                }
            }
            perLoop.append(served)
        }
        if merged.isEmpty { return }
        var latency: [LatencyKey: Totals] = [:]
        var bytes: [String: (received: Int, sent: Int)] = [:]
        for (key, totals) in merged {
            latency[LatencyKey(method: key.method, route: key.route), default: Totals(buckets: bounds.count)].add(totals)
            bytes[key.route, default: (0, 0)].received += totals.bytesIn
            bytes[key.route, default: (0, 0)].sent += totals.bytesOut
        }

        buffer.appendTypeLine("paramd_http_requests_total", "counter")
        let series = merged.sorted { ($0.key.method, $0.key.route, $0.key.status) < ($1.key.method, $1.key.route, $1.key.status) }
        for (key, totals) in series {
            let labels = [("method", key.method), ("route", key.route), ("status", String(key.status))]
            buffer.appendSample("paramd_http_requests_total", labels: labels, value: String(totals.requests))
        }

        let histogram = "paramd_http_request_duration_seconds"
        buffer.appendTypeLine(histogram, "histogram")
        for (key, totals) in latency.sorted(by: { ($0.key.method, $0.key.route) < ($1.key.method, $1.key.route) }) {
            let labels = [("method", key.method), ("route", key.route)]
            var cumulative = 0
            for (index, bound) in bounds.enumerated() {
                cumulative += totals.buckets[index]
                buffer.appendSample(
                    histogram + "_bucket", labels: labels + [("le", bound.bucketRepresentation)], value: String(cumulative))
            }
            buffer.appendSample(histogram + "_bucket", labels: labels + [("le", "+Inf")], value: String(totals.requests))
            buffer.appendSample(histogram + "_sum", labels: labels, value: totals.durationSum.bucketRepresentation)
            buffer.appendSample(histogram + "_count", labels: labels, value: String(totals.requests))
        }

        let sortedBytes = bytes.sorted { $0.key < $1.key }
        buffer.appendTypeLine("paramd_http_request_bytes_total", "counter")
        for (route, counts) in sortedBytes {
            buffer.appendSample("paramd_http_request_bytes_total", labels: [("route", route)], value: String(counts.received))
        }
        buffer.appendTypeLine("paramd_http_response_bytes_total", "counter")
        for (route, counts) in sortedBytes {
            buffer.appendSample("paramd_http_response_bytes_total", labels: [("route", route)], value: String(counts.sent))
        }

        buffer.appendTypeLine("paramd_event_loop_requests_total", "counter")
        for (loop, served) in perLoop.enumerated() where served > 0 {
            buffer.appendSample("paramd_event_loop_requests_total", labels: [("loop", String(loop))], value: String(served))
        }
    }

    // MARK: Storage

    private struct Key: Hashable, Sendable {
        let method: String
        let route: String
        let status: Int

        /// The status and the strings' lengths only: a shard holds a few dozen keys (routes are
        /// templates), equality still compares the strings, and hashing them in full cost more
        /// than the rest of the lookup.
        func hash(into hasher: inout Hasher) {
            hasher.combine(status)
            hasher.combine(route.utf8.count)
            hasher.combine(method.utf8.count)
        }
    }

    private struct LatencyKey: Hashable {
        let method: String
        let route: String
    }

    /// One series' counts in one shard: a class, so the shard's cache of the last series used
    /// hands out a reference to add to in place. Touched only under its shard's lock.
    private final class Counts: @unchecked Sendable {
        // Guarded by the shard's lock: no runtime exclusivity checks on every request.
        @exclusivity(unchecked) var requests = 0
        @exclusivity(unchecked) var bytesIn = 0
        @exclusivity(unchecked) var bytesOut = 0
        /// The durations' sum in attoseconds: a `Duration` added with a call per request, an
        /// `Int128` inline.
        @exclusivity(unchecked) var durationAttoseconds: Int128 = 0
        /// Requests per bucket, not cumulative: the last slot is +Inf only.
        @exclusivity(unchecked) var buckets: [Int]

        init(buckets: Int) { self.buckets = Array(repeating: 0, count: buckets + 1) }
    }

    /// Counts merged over the shards, then over the statuses for the latency histogram.
    private struct Totals {
        var requests = 0
        var bytesIn = 0
        var bytesOut = 0
        var durationSum = Duration.zero
        var buckets: [Int]

        init(buckets: Int) { self.buckets = Array(repeating: 0, count: buckets + 1) }

        mutating func add(_ counts: Counts) {
            add(
                requests: counts.requests, bytesIn: counts.bytesIn, bytesOut: counts.bytesOut,
                sum: Duration(attoseconds: counts.durationAttoseconds),
                buckets: counts.buckets)
        }

        mutating func add(_ totals: Totals) {
            add(
                requests: totals.requests, bytesIn: totals.bytesIn, bytesOut: totals.bytesOut, sum: totals.durationSum,
                buckets: totals.buckets)
        }

        private mutating func add(requests: Int, bytesIn: Int, bytesOut: Int, sum: Duration, buckets: [Int]) {
            self.requests += requests
            self.bytesIn += bytesIn
            self.bytesOut += bytesOut
            durationSum += sum
            for index in buckets.indices { self.buckets[index] += buckets[index] }
        }
    }

    /// One event loop's series. The lock is taken by its loop for every request and by a
    /// scrape, so it is practically never contended.
    private final class Shard: Sendable {
        struct State: ~Copyable {
            var table: [Key: Counts] = [:]
            /// The series of the last request: a run of requests to one route (a probe, a
            /// benchmark, a client's burst) finds it with one comparison of keys, without hashing.
            /// Two optionals, not one of a tuple: looking at the tuple copied its two strings and
            /// its counts out (three retains and releases) for every request.
            var lastKey: Key?
            var lastCounts: Counts?

            mutating func counts(for key: Key, buckets: Int) -> Counts {
                if let lastCounts, lastKey == key { return lastCounts }
                let counts = table[key] ?? Counts(buckets: buckets)
                table[key] = counts
                lastKey = key
                lastCounts = counts
                return counts
            }
        }

        let state = Mutex(State())
        /// Never read: spaces shards allocated one after another, so that two loops on two
        /// cores never write to one cache line (false sharing).
        private let padding: (SIMD64<UInt8>, SIMD64<UInt8>) = (.zero, .zero)
    }
}

extension [UInt8] {
    fileprivate mutating func appendTypeLine(_ name: String, _ type: String) {
        append(contentsOf: "# TYPE \(name) \(type)\n".utf8)
    }

    /// `name{label="value",…} value`, label values escaped as the exposition format requires.
    fileprivate mutating func appendSample(_ name: String, labels: [(String, String)], value: String) {
        append(contentsOf: name.utf8)
        append(UInt8(ascii: "{"))
        for (index, (label, text)) in labels.enumerated() {
            if index > 0 { append(UInt8(ascii: ",")) }
            append(contentsOf: label.utf8)
            append(contentsOf: #"=""#.utf8)
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): append(contentsOf: #"\\"#.utf8)
                case UInt8(ascii: "\""): append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\n"): append(contentsOf: #"\n"#.utf8)
                default: append(byte)
                }
            }
            append(UInt8(ascii: "\""))
        }
        append(contentsOf: "} \(value)\n".utf8)
    }
}
