import Testing
@testable import HTTP

/// Routes registered with ``Router/constant(_:_:_:)``: found from the head alone, and answered by
/// the machine from their encoded bytes with the per-request fields of a response made per request.
struct ConstantRouteTests {
    static let health = HTTPResponse(status: .ok, contentType: "application/json", body: Array(#"{"status":"ok"}"#.utf8))

    static func router() -> Router {
        var router = Router()
        router.constant(.get, "/healthz", health)
        router.inPlace(.get, "/other") { _ in .text("other\n") }
        return router
    }

    static func head(_ method: HTTPMethod, _ target: String) throws -> HTTPRequestHead {
        try HTTPRequestHead(method: method, target: target, headers: ["Host": "h"])
    }

    @Test func theRouterFindsItsConstantsByMethodAndPath() throws {
        let router = Self.router()
        #expect(router.prebuiltResponse(for: try Self.head(.get, "/healthz"))?.route == "/healthz")
        #expect(router.prebuiltResponse(for: try Self.head(.head, "/healthz")) != nil)
        #expect(router.prebuiltResponse(for: try Self.head(.get, "/healthz?verbose=1")) != nil)
        #expect(router.prebuiltResponse(for: try Self.head(.post, "/healthz")) == nil)
        #expect(router.prebuiltResponse(for: try Self.head(.get, "/healthz/")) == nil)
        #expect(router.prebuiltResponse(for: try Self.head(.get, "/healthy")) == nil)
        #expect(router.prebuiltResponse(for: try Self.head(.get, "/other")) == nil)
        #expect(Router().prebuiltResponse(for: try Self.head(.get, "/healthz")) == nil)
    }

    @Test func aHeadRouteOfItsOwnTakesHeadRequests() throws {
        var router = Self.router()
        router.inPlace(.head, "/healthz") { _ in HTTPResponse(status: .noContent) }
        #expect(router.prebuiltResponse(for: try Self.head(.head, "/healthz")) == nil)
        #expect(router.prebuiltResponse(for: try Self.head(.get, "/healthz")) != nil)
    }

    @Test func dispatchedItAnswersAsAnInPlaceRoute() async throws {
        let response = try await Self.router().respond(to: HTTPRequest(head: Self.head(.get, "/healthz")))
        #expect(response.status == .ok && response.route == "/healthz")
        #expect(response.headers["Content-Type"] == "application/json")
    }

    /// A machine whose responder is `router`, as the server wires it.
    static func driver(_ router: Router = router(), completionReadsRequestID: Bool = true) -> MachineDriver {
        var driver = MachineDriver(prebuiltResponse: router.prebuiltResponse(for:), completionReadsRequestID: completionReadsRequestID)
        driver.respond = { request in (try? router.respond(toInPlace: request)) ?? HTTPResponse(status: .internalServerError) }
        return driver
    }

    @Test func theConstantAnswerCarriesItsOwnRequestIdDateAndLength() {
        var driver = Self.driver()
        driver.receive("GET /healthz HTTP/1.1\r\nHost: h\r\n\r\nGET /healthz HTTP/1.1\r\nHost: h\r\nRequest-Id: mine\r\n\r\n")
        #expect(driver.dispatched.isEmpty)
        #expect(
            driver.responses == [
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: Thu, 03 Dec 2026 12:00:00 GMT\r\nRequest-Id: id-1\r\n"
                    + "Content-Length: 15\r\n\r\n{\"status\":\"ok\"}",
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: Thu, 03 Dec 2026 12:00:00 GMT\r\nRequest-Id: mine\r\n"
                    + "Content-Length: 15\r\n\r\n{\"status\":\"ok\"}"
            ])
        #expect(driver.completed.map(\.route) == ["/healthz", "/healthz"])
        #expect(driver.completed.map(\.id) == ["id-1", "mine"])
        #expect(driver.completed.allSatisfy { $0.completed && $0.status == .ok })
        #expect(!driver.isClosed)
    }

    @Test func itIsTheSameResponseAsTheInPlaceRouteGives() {
        var constant = Self.driver()
        var router = Router()
        router.inPlace(.get, "/healthz") { _ in Self.health }
        var inPlace = Self.driver(router)
        // The same ids either way: the in-place route's requests are dispatched.
        let request =
            "GET /healthz HTTP/1.1\r\nHost: h\r\n\r\nHEAD /healthz HTTP/1.1\r\nHost: h\r\n\r\n"
            + "GET /healthz HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\n\r\nGET /healthz HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
        constant.receive(request)
        inPlace.receive(request)
        #expect(constant.dispatched.isEmpty && inPlace.dispatched.count == 4)
        #expect(constant.written == inPlace.written)
        #expect(constant.completed.map(\.bytesOut) == inPlace.completed.map(\.bytesOut))
        #expect(constant.isClosed && inPlace.isClosed)
    }

    @Test func aCompletionThatReadsNoIdsGetsNoneMadeForItButTheResponseCarriesThem() {
        var driver = Self.driver(completionReadsRequestID: false)
        driver.receive(
            "GET /healthz HTTP/1.1\r\nHost: h\r\n\r\nGET /healthz HTTP/1.1\r\nHost: h\r\nRequest-Id: mine\r\n\r\n"
                + "GET /other HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(
            driver.responses.map { $0.contains("\r\nRequest-Id: id-") || $0.contains("\r\nRequest-Id: mine\r\n") } == [true, true, true])
        #expect(driver.responses.first?.contains("\r\nRequest-Id: id-1\r\n") == true)
        // The dispatched request needed the id's text, so its summary has it too.
        #expect(driver.completed.map(\.id) == ["", "mine", "id-2"])
        #expect(driver.dispatched.map(\.id) == ["id-2"])
    }

    @Test func aRequestCutShortAfterAnAnsweredOneReportsNoStatusOrRouteOfItsOwn() {
        var driver = Self.driver()
        driver.receive("GET /healthz HTTP/1.1\r\nHost: h\r\n\r\nPOST /other HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab")
        driver.machine.closed(now: driver.now)
        #expect(driver.completed.map(\.status.code) == [200, 500])
        #expect(driver.completed.map(\.route) == ["/healthz", nil])
        #expect(driver.completed.map(\.completed) == [true, false])
    }

    @Test func aConnectionsRepeatedAnswerCarriesTheDateOfItsSecond() {
        let clock = DateBox()
        var driver = MachineDriver(prebuiltResponse: Self.router().prebuiltResponse(for:), dateField: { clock.field })
        driver.receive("GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n")
        clock.field = Array("Date: Thu, 03 Dec 2026 12:00:01 GMT\r\n".utf8)
        driver.receive("GET /healthz HTTP/1.1\r\nHost: h\r\n\r\nGET /healthz HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        #expect(driver.responses.map { $0.contains("Date: Thu, 03 Dec 2026 12:00:01 GMT") } == [false, true, true])
        #expect(driver.responses.map { $0.contains("Connection: close") } == [false, false, true])
        #expect(driver.responses.allSatisfy { $0.hasSuffix("Content-Length: 15\r\n\r\n{\"status\":\"ok\"}") || $0.contains("close") })
        #expect(driver.isClosed)
    }

    @Test func headGetsTheLengthWithoutTheBody() {
        var driver = Self.driver()
        driver.receive("HEAD /healthz HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(driver.responses.count == 1)
        #expect(driver.responses.first?.hasSuffix("Content-Length: 15\r\n\r\n") == true)
    }

    @Test func pipelinedConstantAndDispatchedRequestsAreAnsweredInOrder() {
        var driver = Self.driver()
        driver.respond = nil
        driver.receive("GET /other HTTP/1.1\r\nHost: h\r\n\r\nGET /healthz HTTP/1.1\r\nHost: h\r\n\r\n")
        // The constant waits behind the request being handled.
        #expect(driver.dispatched.count == 1 && driver.responses.isEmpty)
        driver.answer(.text("first\n"))
        #expect(driver.responses.count == 2)
        #expect(driver.responses.first?.hasSuffix("\r\n\r\nfirst\n") == true)
        #expect(driver.responses.last?.hasSuffix("{\"status\":\"ok\"}") == true)
        #expect(driver.completed.map(\.id) == ["id-1", "id-2"])
    }

    @Test func aRequestWithABodyIsDispatched() {
        var driver = Self.driver()
        driver.receive("GET /healthz HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab")
        #expect(driver.dispatched.count == 1)
        #expect(driver.statuses == [200])
    }
}

extension Router {
    /// The in-place answer of a request, for drivers that answer as the server does.
    fileprivate func respond(toInPlace request: HTTPRequest) throws -> HTTPResponse {
        guard case .answered(let response) = try dispatch(request) else { return HTTPResponse(status: .notImplemented) }
        return response
    }
}

/// The Date field a driver's machine is given, changed by the test (the loop makes a new array
/// each second).
private final class DateBox {
    var field = Array("Date: Thu, 03 Dec 2026 12:00:00 GMT\r\n".utf8)
}
