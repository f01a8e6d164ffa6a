import HTTP
import Metrics
public import Prometheus

/// The service's metrics, recorded through swift-metrics into a Prometheus registry that this
/// value owns (no global bootstrap, so two services in one test process never mix their counts).
///
/// - `paramd_http_requests_total{method,route,status}`: requests answered.
/// - `paramd_http_request_duration_seconds{method,route}`: latency histogram.
/// - `paramd_http_request_bytes_total{route}`, `paramd_http_response_bytes_total{route}`.
/// - `paramd_models`, `paramd_parameters`: models held and their parameters in all.
/// - `paramd_forward_batch_size`: histogram of forward batch sizes, per request.
/// - `paramd_forward_joint_requests`: histogram of how many requests shared a joint forward
///   pass (``ForwardCoalescer``), recorded per joint pass.
/// - `paramd_access_log_dropped_lines_total`: access-log lines dropped because the log's queue
///   was full (``AccessLog``): requests are never slowed down to log them.
public final class ServiceMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let handles = Locked(RouteTable())
    private let models: Metrics.Gauge
    private let parameters: Metrics.Gauge
    private let batchSizes: Metrics.Recorder
    private let jointRequests: Metrics.Recorder
    private let accessLogDropped: Metrics.Counter
    /// The access log's drop count last added to `accessLogDropped`.
    private let reportedAccessLogDrops = Locked<Int>(0)

    /// Each route's collectors, and the last ones used: a run of requests to one route (a probe,
    /// a benchmark, a client's burst) finds them with one comparison of keys whose strings share
    /// their storage, without hashing.
    private struct RouteTable {
        var table: [RouteKey: RouteHandles] = [:]
        var last: (key: RouteKey, handles: RouteHandles)?
    }

    private struct RouteKey: Hashable {
        let method: String
        let route: String
        let status: Int

        /// Hashes the status and the strings' lengths only: the table holds a few dozen keys
        /// (routes are templates), equality still compares the strings, and hashing them in
        /// full cost more than the rest of the lookup, for every request.
        func hash(into hasher: inout Hasher) {
            hasher.combine(status)
            hasher.combine(route.utf8.count)
            hasher.combine(method.utf8.count)
        }
    }

    /// The Prometheus collectors themselves, not swift-metrics' wrappers: recorded into for every
    /// request, where going through the wrappers' existential handlers ran the histogram's
    /// unspecialized generic code (its generic metadata looked up per call). A class, so the
    /// lookup hands out one reference, not four.
    private final class RouteHandles: Sendable {
        let requests: Prometheus.Counter
        let duration: DurationHistogram
        let bytesIn: Prometheus.Counter
        let bytesOut: Prometheus.Counter

        init(requests: Prometheus.Counter, duration: DurationHistogram, bytesIn: Prometheus.Counter, bytesOut: Prometheus.Counter) {
            self.requests = requests
            self.duration = duration
            self.bytesIn = bytesIn
            self.bytesOut = bytesOut
        }
    }

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Requests here take microseconds to a few seconds (training): the default buckets start at 5 ms.
        factory.durationHistogramBuckets["paramd_http_request_duration_seconds"] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30)
        ]
        factory.valueHistogramBuckets["paramd_forward_batch_size"] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096]
        factory.valueHistogramBuckets["paramd_forward_joint_requests"] = [2, 4, 8, 16, 32]
        self.factory = factory
        models = Metrics.Gauge(label: "paramd_models", dimensions: [], factory: factory)
        parameters = Metrics.Gauge(label: "paramd_parameters", dimensions: [], factory: factory)
        batchSizes = Metrics.Recorder(label: "paramd_forward_batch_size", dimensions: [], aggregate: true, factory: factory)
        jointRequests = Metrics.Recorder(label: "paramd_forward_joint_requests", dimensions: [], aggregate: true, factory: factory)
        accessLogDropped = Metrics.Counter(label: "paramd_access_log_dropped_lines_total", dimensions: [], factory: factory)
    }

    /// Records one answered request. `route` is the template (`/v1/models/{model}`), never
    /// the concrete path, so the label set stays bounded.
    public func recordRequest(
        method: String, route: String, status: Int, bytesIn: Int, bytesOut: Int, duration: Duration
    ) {
        let key = RouteKey(method: method, route: route, status: status)
        let handles = self.handles.withLock { routes in
            if let last = routes.last, last.key == key { return last.handles }
            let handles = routes.table[key] ?? makeHandles(key)
            routes.table[key] = handles
            routes.last = (key, handles)
            return handles
        }
        handles.requests.increment(by: Int64(1))
        handles.duration.record(duration)
        if bytesIn > 0 { handles.bytesIn.increment(by: Int64(bytesIn)) }
        if bytesOut > 0 { handles.bytesOut.increment(by: Int64(bytesOut)) }
    }

    /// Made through the factory, so names, labels and buckets are what swift-metrics would
    /// register; the factory makes these concrete types (a failed cast is a bug here).
    private func makeHandles(_ key: RouteKey) -> RouteHandles {
        let (method, route) = (key.method, key.route)
        return RouteHandles(
            requests: counter("paramd_http_requests_total", [("method", method), ("route", route), ("status", String(key.status))]),
            duration: factory.makeTimer(
                label: "paramd_http_request_duration_seconds", dimensions: [("method", method), ("route", route)])
                as! DurationHistogram,
            bytesIn: counter("paramd_http_request_bytes_total", [("route", route)]),
            bytesOut: counter("paramd_http_response_bytes_total", [("route", route)]))
    }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Prometheus.Counter {
        factory.makeCounter(label: label, dimensions: dimensions) as! Prometheus.Counter
    }

    /// The number of models held and their parameters, after every change.
    public func recordInventory(models count: Int, parameters total: Int) {
        models.record(count)
        parameters.record(total)
    }

    /// The batch size of one forward pass.
    public func recordForward(batchSize: Int) {
        batchSizes.record(batchSize)
    }

    /// One forward pass that `requests` requests shared.
    public func recordJointForward(requests: Int) {
        jointRequests.record(requests)
    }

    /// Brings the dropped-lines counter up to the access log's own count, `total` (read at
    /// scrape time: the log counts drops with one atomic add, on the event loop).
    public func observeAccessLogDrops(total: Int) {
        let added = reportedAccessLogDrops.withLock { reported in
            defer { reported = max(reported, total) }
            return max(0, total - reported)
        }
        if added > 0 { accessLogDropped.increment(by: added) }
    }

    /// The Prometheus text exposition of everything recorded so far.
    public func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}
