import HTTP

// The benchmark's server: GET /json answers a small JSON document, POST /echo returns the body.
// Usage: HTTPBenchServer PORT [eventloop|pool] [LOOPS]
let arguments = CommandLine.arguments
var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: arguments.count > 1 ? Int(arguments[1]) ?? 8080 : 8080)
if arguments.count > 2 && arguments[2] == "eventloop" { configuration.handlerPlacement = .eventLoop }
if arguments.count > 3, let loops = Int(arguments[3]) { configuration.eventLoopCount = loops }
configuration.limits.maxConnections = 10_000

let message = Array(#"{"message":"Hello, World!"}"#.utf8)
var router = Router()
router.get("/json") { _ in HTTPResponse(contentType: "application/json", body: message) }
router.post("/echo") { request in
    HTTPResponse(contentType: request.headers["Content-Type"] ?? "application/octet-stream", body: request.body)
}
let server = HTTPServer(configuration: configuration, responder: router)
let port = try server.start()
print("listening on \(port)")
try await server.run()
