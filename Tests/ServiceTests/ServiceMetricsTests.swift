import Prometheus
import Testing
@testable import Service

struct ServiceMetricsTests {
    @Test func rendersRequestsByRouteAndStatusWithLatencyAndBytes() {
        let metrics = ServiceMetrics()
        metrics.recordRequest(
            method: "GET", route: "/v1/models/{model}", status: 200, bytesIn: 0, bytesOut: 120,
            duration: .microseconds(300))
        metrics.recordRequest(
            method: "GET", route: "/v1/models/{model}", status: 200, bytesIn: 0, bytesOut: 80,
            duration: .microseconds(300))
        metrics.recordRequest(
            method: "POST", route: "/v1/models", status: 409, bytesIn: 50, bytesOut: 200, duration: .milliseconds(3))
        metrics.recordInventory(models: 2, parameters: 49)
        metrics.recordForward(batchSize: 64)
        let text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains(#"paramd_http_requests_total{method="GET",route="/v1/models/{model}",status="200"} 2"#))
        #expect(text.contains(#"paramd_http_requests_total{method="POST",route="/v1/models",status="409"} 1"#))
        #expect(text.contains(#"paramd_http_response_bytes_total{route="/v1/models/{model}"} 200"#))
        #expect(text.contains("paramd_http_request_duration_seconds_bucket"))
        #expect(text.contains("paramd_models 2"))
        #expect(text.contains("paramd_parameters 49"))
        #expect(text.contains(#"paramd_forward_batch_size_bucket{le="64.0"} 1"#))
    }

    @Test func separateInstancesKeepSeparateCounts() {
        let a = ServiceMetrics()
        let b = ServiceMetrics()
        a.recordRequest(method: "GET", route: "/healthz", status: 200, bytesIn: 0, bytesOut: 1, duration: .zero)
        #expect(!String(decoding: b.render(), as: UTF8.self).contains("/healthz"))
    }

    /// The per-request families are counted per event loop and rendered by the service itself:
    /// their lines are exactly those the Prometheus collectors made for the same requests
    /// (what /metrics showed before), shards merged, bucket bounds inclusive, labels escaped.
    @Test func perRequestFamiliesMatchWhatThePrometheusCollectorsWrite() {
        let requests: [(method: String, route: String, status: Int, bytesIn: Int, bytesOut: Int, duration: Duration, loop: Int)] = [
            ("GET", "/healthz", 200, 0, 147, .nanoseconds(52_001), 0),
            ("GET", "/healthz", 200, 0, 147, .microseconds(100), 1),  // exactly on a bound
            ("GET", "/healthz", 200, 0, 147, .zero, 17),
            ("GET", "/healthz", 503, 0, 90, .nanoseconds(100_001), 0),
            ("POST", "/v1/models/{model}/forward", 200, 16_000, 41, .milliseconds(3), 1),
            ("POST", "/v1/models/{model}/forward", 200, 16_000, 41, .seconds(40), 0),  // beyond every bound
            ("PUT", #"/odd"route\"#, 422, 12, 300, Duration(secondsComponent: 0, attosecondsComponent: 1), 2)  // under a nanosecond
        ]
        let ours = ServiceMetrics()
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["paramd_http_request_duration_seconds"] = ServiceMetrics.requestDurationBuckets
        for request in requests {
            ours.recordRequest(
                method: request.method, route: request.route, status: request.status, bytesIn: request.bytesIn,
                bytesOut: request.bytesOut, duration: request.duration, eventLoop: request.loop)
            let (method, route) = (request.method, request.route)
            (factory.makeCounter(
                label: "paramd_http_requests_total", dimensions: [("method", method), ("route", route), ("status", String(request.status))])
                as! Prometheus.Counter).increment(by: Int64(1))
            (factory.makeTimer(label: "paramd_http_request_duration_seconds", dimensions: [("method", method), ("route", route)])
                as! DurationHistogram).record(request.duration)
            let received =
                factory.makeCounter(label: "paramd_http_request_bytes_total", dimensions: [("route", route)]) as! Prometheus.Counter
            let sent = factory.makeCounter(label: "paramd_http_response_bytes_total", dimensions: [("route", route)]) as! Prometheus.Counter
            if request.bytesIn > 0 { received.increment(by: Int64(request.bytesIn)) }
            if request.bytesOut > 0 { sent.increment(by: Int64(request.bytesOut)) }
        }
        func httpLines(_ bytes: [UInt8]) -> [Substring] {
            String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter { $0.contains("paramd_http_") }.sorted()
        }
        let expected = httpLines(registry.emitToBuffer())
        #expect(expected.count == 4 + 4 + 3 * (ServiceMetrics.requestDurationBuckets.count + 3) + 2 * 3)
        #expect(httpLines(ours.render()) == expected)
    }

    @Test func eachEventLoopsRequestsAreCountedUnderItsIndex() {
        let metrics = ServiceMetrics()
        for loop in [0, 1, 1, 3, 17] {
            metrics.recordRequest(
                method: "GET", route: "/healthz", status: 200, bytesIn: 0, bytesOut: 15, duration: .microseconds(5),
                eventLoop: loop)
        }
        metrics.recordRequest(
            method: "POST", route: "/v1/models/{model}/forward", status: 200, bytesIn: 10, bytesOut: 10,
            duration: .milliseconds(1), eventLoop: 3)
        let lines = String(decoding: metrics.render(), as: UTF8.self).split(separator: "\n")
            .filter { $0.contains("paramd_event_loop_requests_total") }
        // Loop 17 shares loop 1's series (16 shards); loop 2 served nothing and has none.
        #expect(
            lines == [
                "# TYPE paramd_event_loop_requests_total counter",
                #"paramd_event_loop_requests_total{loop="0"} 1"#,
                #"paramd_event_loop_requests_total{loop="1"} 3"#,
                #"paramd_event_loop_requests_total{loop="3"} 2"#
            ])
    }

    @Test func noRequestFamiliesBeforeTheFirstRequest() {
        let text = String(decoding: ServiceMetrics().render(), as: UTF8.self)
        #expect(!text.contains("paramd_http_") && !text.contains("paramd_event_loop_"))
    }
}
