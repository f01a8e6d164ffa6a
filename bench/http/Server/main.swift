import HTTP

// The benchmark's server: GET /json answers a small JSON document, POST /echo returns the body.
// Usage: HTTPBenchServer PORT [immediate|eventloop|pool] [LOOPS]
//   immediate: the routes are immediate handlers, called in place on the event loop (no task);
//   eventloop: async handlers in tasks that run on the event loop;
//   pool:      async handlers in tasks on Swift's global pool (the server's default).
let arguments = CommandLine.arguments
let mode = arguments.count > 2 ? arguments[2] : "pool"
var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: arguments.count > 1 ? Int(arguments[1]) ?? 8080 : 8080)
if mode == "eventloop" { configuration.handlerPlacement = .eventLoop }
if arguments.count > 3, let loops = Int(arguments[3]) { configuration.eventLoopCount = loops }
configuration.limits.maxConnections = 10_000

let message = Array(#"{"message":"Hello, World!"}"#.utf8)
let json: HTTPImmediateHandler = { _ in HTTPResponse(contentType: "application/json", body: message) }
let echo: HTTPImmediateHandler = { request in
    HTTPResponse(contentType: request.headers["Content-Type"] ?? "application/octet-stream", body: request.body)
}
var router = Router()
if mode == "immediate" {
    router.immediate(.get, "/json", handler: json)
    router.immediate(.post, "/echo", handler: echo)
} else {
    router.get("/json") { request in try json(request) }
    router.post("/echo") { request in try echo(request) }
}
let server = HTTPServer(configuration: configuration, responder: router)
let port = try server.start()
print("listening on \(port)")
try await server.run()
