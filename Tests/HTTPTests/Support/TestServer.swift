@testable import HTTP

/// Routes shared by the socket tests.
func testRouter() -> Router {
    var router = Router()
    router.get("/json") { _ in HTTPResponse(contentType: "application/json", body: Array(#"{"message":"Hello, World!"}"#.utf8)) }
    router.post("/echo") { request in
        HTTPResponse(contentType: request.headers["Content-Type"] ?? "application/octet-stream", body: request.body)
    }
    router.put("/echo") { request in HTTPResponse(contentType: "application/octet-stream", body: request.body) }
    router.get("/path/{name}") { request in
        .text("\(request.parameters["name"] ?? "")|\(request.query.map { "\($0.name)=\($0.value)" }.joined(separator: ","))")
    }
    router.get("/slow") { request in
        let milliseconds = Int(request.queryValue("ms") ?? "") ?? 500
        try await Task.sleep(for: .milliseconds(milliseconds))
        return .text("slept \(milliseconds)")
    }
    router.get("/big") { _ in
        HTTPResponse(contentType: "application/json", body: Array(String(repeating: #"{"w":[0.125,0.25,0.5]},"#, count: 2000).utf8))
    }
    router.get("/stream") { request in
        let count = Int(request.queryValue("n") ?? "") ?? 3
        return HTTPResponse(
            headers: ["Content-Type": "application/x-ndjson"],
            body: .stream { writer in
                for step in 0..<count {
                    try await writer.write("{\"step\":\(step)}\n")
                    try await Task.sleep(for: .milliseconds(5))
                }
            })
    }
    router.get("/trailer-count") { request in .text("\(request.trailers.count)") }
    router.inPlace(.get, "/immediate/{name}") { request in
        .text("now \(request.parameters["name"] ?? "")")
    }
    router.inPlace(.post, "/immediate-echo") { request in HTTPResponse(contentType: "application/octet-stream", body: request.body) }
    router.inPlace(.get, "/immediate-stream") { _ in
        HTTPResponse(
            headers: ["Content-Type": "application/x-ndjson"],
            body: .stream { writer in
                for step in 0..<3 { try await writer.write("{\"step\":\(step)}\n") }
            })
    }
    router.inPlace(.get, "/immediate-throws") { _ in throw HTTPServerError.connectionClosed }
    return router
}

/// A configuration for tests: ephemeral port on loopback.
func testConfiguration(_ adjust: (inout HTTPServerConfiguration) -> Void = { _ in }) -> HTTPServerConfiguration {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    adjust(&configuration)
    return configuration
}

/// Starts a server, runs `body` with its port, and shuts it down whatever happens.
func withServer<T>(
    _ configuration: HTTPServerConfiguration = testConfiguration(), hooks: HTTPServerHooks = HTTPServerHooks(),
    router: Router = testRouter(), _ body: (HTTPServer, Int) async throws -> T
) async throws -> T {
    let server = HTTPServer(configuration: configuration, responder: router, hooks: hooks)
    let port = try server.start()
    do {
        let result = try await body(server, port)
        await server.shutdown(gracePeriod: .seconds(2))
        return result
    } catch {
        await server.shutdown(gracePeriod: .seconds(2))
        throw error
    }
}
