import HTTP

// The benchmark's server: GET /json answers a small JSON document, POST /echo returns the body.
// Usage: HTTPBenchServer PORT [inplace|eventloop|pool] [LOOPS]
//   inplace:   the routes are in-place handlers, called by the event loop (no task);
//   eventloop: async handlers in tasks that run on the event loop;
//   pool:      async handlers in tasks on Swift's global pool (the router's default).
let arguments = CommandLine.arguments
let mode = arguments.count > 2 ? arguments[2] : "pool"
var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: arguments.count > 1 ? Int(arguments[1]) ?? 8080 : 8080)
if arguments.count > 3, let loops = Int(arguments[3]) { configuration.eventLoopCount = loops }
configuration.limits.maxConnections = 10_000

let message = Array(#"{"message":"Hello, World!"}"#.utf8)
let json: HTTPInPlaceHandler = { _ in HTTPResponse(contentType: "application/json", body: message) }
let echo: HTTPInPlaceHandler = { request in
    HTTPResponse(contentType: request.headers["Content-Type"] ?? "application/octet-stream", body: request.body)
}
var router = Router()
switch mode {
case "inplace":
    router.inPlace(.get, "/json", handler: json)
    router.inPlace(.post, "/echo", handler: echo)
default:
    let placement: HandlerPlacement = mode == "eventloop" ? .eventLoop : .concurrencyPool
    router.get("/json", placement: placement) { request in try json(request) }
    router.post("/echo", placement: placement) { request in try echo(request) }
}
let server = HTTPServer(configuration: configuration, responder: router)
let port = try server.start()
print("listening on \(port)")
try await server.run()
