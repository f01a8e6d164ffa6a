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
}
