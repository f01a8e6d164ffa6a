import HTTP
import Metrics
public import Prometheus

/// The service's metrics, recorded through swift-metrics into a Prometheus registry that this
/// value owns (no global bootstrap, so two services in one test process never mix their counts),
/// except the per-request families, which ``RequestMetrics`` counts per event loop and renders
/// after the registry's.
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
    /// The registry `/metrics` renders (with the per-request families after it).
    public let registry: PrometheusCollectorRegistry
    /// The per-request families, counted per event loop (``RequestMetrics``).
    private let requests = RequestMetrics(buckets: ServiceMetrics.requestDurationBuckets)
    private let models: Metrics.Gauge
    private let parameters: Metrics.Gauge
    private let batchSizes: Metrics.Recorder
    private let jointRequests: Metrics.Recorder
    private let accessLogDropped: Metrics.Counter
    /// The access log's drop count last added to `accessLogDropped`.
    private let reportedAccessLogDrops = Locked<Int>(0)

    /// Requests here take microseconds to a few seconds (training): the default buckets start at 5 ms.
    static let requestDurationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30)
    ]

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets["paramd_forward_batch_size"] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096]
        factory.valueHistogramBuckets["paramd_forward_joint_requests"] = [2, 4, 8, 16, 32]
        models = Metrics.Gauge(label: "paramd_models", dimensions: [], factory: factory)
        parameters = Metrics.Gauge(label: "paramd_parameters", dimensions: [], factory: factory)
        batchSizes = Metrics.Recorder(label: "paramd_forward_batch_size", dimensions: [], aggregate: true, factory: factory)
        jointRequests = Metrics.Recorder(label: "paramd_forward_joint_requests", dimensions: [], aggregate: true, factory: factory)
        accessLogDropped = Metrics.Counter(label: "paramd_access_log_dropped_lines_total", dimensions: [], factory: factory)
    }

    /// Records one answered request. `route` is the template (`/v1/models/{model}`), never
    /// the concrete path, so the label set stays bounded. `eventLoop` is the index of the loop
    /// that served it (``HTTPRequestSummary/eventLoop``): each loop counts apart, without contention.
    public func recordRequest(
        method: String, route: String, status: Int, bytesIn: Int, bytesOut: Int, duration: Duration, eventLoop: Int = 0
    ) {
        requests.record(
            method: method, route: route, status: status, bytesIn: bytesIn, bytesOut: bytesOut, duration: duration,
            shard: eventLoop)
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
        var text = registry.emitToBuffer()
        requests.render(into: &text)
        return text
    }
}
