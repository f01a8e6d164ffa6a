import Foundation
import Glibc
import Testing
@testable import HTTP

/// The storage a connection reuses from one request to the next: the parser's head arrays
/// (``HeadStorage``) and the machine's response head buffer (``HeadBuffer``). Reuse must never
/// change what an earlier request or response still being held sees.
struct ReusedStorageTests {
    private static func parse(_ parser: inout HTTPRequestParser, _ text: String) throws -> HTTPRequestHead {
        let bytes = Array(text.utf8)
        let parsed = try bytes.withUnsafeBufferPointer { buffer throws(HTTPParseError) in try parser.parseHead(buffer) }
        return try #require(parsed?.0)
    }

    @Test func aHeadStillHeldKeepsItsFieldsAndSegmentsWhenTheNextIsParsed() throws {
        var parser = HTTPRequestParser()
        let first = try Self.parse(&parser, "GET /a/b HTTP/1.1\r\nHost: one\r\nX-First: 1\r\n\r\n")
        let second = try Self.parse(&parser, "GET /c HTTP/1.1\r\nHost: two\r\nAccept: */*\r\nX-Second: 2\r\n\r\n")
        let third = try Self.parse(&parser, "GET /d/e/f HTTP/1.1\r\nHost: three\r\n\r\n")
        #expect(first.pathSegments == ["a", "b"])
        #expect(first.headers["Host"] == "one" && first.headers["X-First"] == "1" && first.headers.count == 2)
        #expect(second.pathSegments == ["c"])
        #expect(second.headers["Host"] == "two" && second.headers["X-Second"] == "2" && second.headers.count == 3)
        #expect(third.pathSegments == ["d", "e", "f"] && third.headers["Host"] == "three" && third.headers.count == 1)
    }

    @Test func aHeadMutatedByItsHandlerLeavesTheNextHeadAlone() throws {
        var parser = HTTPRequestParser()
        var first = try Self.parse(&parser, "GET /a HTTP/1.1\r\nHost: one\r\nContent-Encoding: identity\r\n\r\n")
        first.headers.remove("Content-Encoding")
        first.headers.add("X-Added", "yes")
        first.pathSegments.append("more")
        let second = try Self.parse(&parser, "GET /b HTTP/1.1\r\nHost: two\r\n\r\n")
        #expect(first.headers["X-Added"] == "yes" && first.headers["Host"] == "one" && first.pathSegments == ["a", "more"])
        #expect(second.headers.count == 1 && second.headers["Host"] == "two" && second.pathSegments == ["b"])
    }

    /// The arrays are overwritten in place, not emptied: a head shorter than the last (fewer
    /// field bytes, fields or segments) must see only its own, whether or not the last is held.
    @Test func aShorterHeadSeesOnlyItsOwnFieldsAndSegments() throws {
        var parser = HTTPRequestParser()
        let long = "GET /a/b/c/d HTTP/1.1\r\nHost: a-long-host-name\r\nAccept: */*\r\nX-Extra: 1\r\n\r\n"
        let short = "GET /e HTTP/1.1\r\nHost: h\r\n\r\n"
        _ = try Self.parse(&parser, long)
        let released = try Self.parse(&parser, short)  // the long head is gone: its arrays are refilled
        #expect(released.pathSegments == ["e"] && released.headers.count == 1 && released.headers["Host"] == "h")
        #expect(Array(released.headers.map { [$0.name, $0.value] }) == [["Host", "h"]])
        let held = try Self.parse(&parser, long)
        let next = try Self.parse(&parser, short)
        #expect(held.pathSegments == ["a", "b", "c", "d"] && held.headers.count == 3 && held.headers["X-Extra"] == "1")
        #expect(next.pathSegments == ["e"] && next.headers.count == 1 && next.headers["Accept"] == nil)
        #expect(released.pathSegments == ["e"] && released.headers["Host"] == "h")
        let root = try Self.parse(&parser, "GET / HTTP/1.0\r\n\r\n")
        #expect(root.pathSegments.isEmpty && root.headers.isEmpty && root.path == "/" && root.query.isEmpty)
        let query = try Self.parse(&parser, "GET /q%20r?x=1 HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(query.pathSegments == ["q r"] && query.path == "/q r" && query.queryValue("x") == "1")
    }

    /// A repeated plain target reuses the last one's strings; any other target replaces them.
    @Test func aRepeatedTargetReadsAsItsOwn() throws {
        var parser = HTTPRequestParser()
        let targets = ["/a/b", "/a/b", "/a/c", "/a?x=1", "/a/b", "/a%2Fb", "/a/b", "/", "/", "/a/b/", "/a/b", "*"]
        var heads: [HTTPRequestHead] = []
        for target in targets {
            let method = target == "*" ? "OPTIONS" : "GET"
            var head = try Self.parse(&parser, "\(method) \(target) HTTP/1.1\r\nHost: h\r\n\r\n")
            expectEagerValues(head)
            heads.append(head)
            head.pathSegments.append("changed by a handler")
        }
        for (head, target) in zip(heads, targets) {
            #expect(head.target == target)
            expectEagerValues(head)
        }
    }

    @Test func aParsedHeadRecordsWhichKnownFieldsItHas() throws {
        var parser = HTTPRequestParser()
        let head = try Self.parse(&parser, "GET / HTTP/1.1\r\nHost: h\r\nx-request-id: abc\r\nconnection: close\r\n\r\n")
        #expect(head.headers.mayContain(.xRequestID) && head.headers.mayContain(.connection))
        #expect(
            !head.headers.mayContain(.requestID) && !head.headers.mayContain(.contentEncoding) && !head.headers.mayContain(.acceptEncoding))
        #expect(head.headers.mayContain([.requestID, .xRequestID]))
        #expect(!head.keepAlive)
        let plain = try Self.parse(&parser, "GET / HTTP/1.0\r\nRequest-Id: r\r\nContent-Encoding: gzip\r\nAccept-Encoding: gzip\r\n\r\n")
        #expect(
            plain.headers.mayContain(.requestID) && plain.headers.mayContain(.contentEncoding) && plain.headers.mayContain(.acceptEncoding))
        #expect(!plain.headers.mayContain(.connection) && !plain.keepAlive)

        // Changed fields are no longer vouched for.
        var added = head.headers
        added.add("Content-Encoding", "gzip")
        #expect(added.mayContain(.contentEncoding) && added["Content-Encoding"] == "gzip")
        var removed = head.headers
        removed.remove("X-Request-Id")
        #expect(removed.mayContain(.acceptEncoding) && removed["X-Request-Id"] == nil)
        #expect(!head.headers.mayContain(.contentEncoding))
        let literal: HTTPHeaders = ["Connection": "close"]
        #expect(literal.mayContain(.connection))
    }

    /// A response head the output still holds (not yet written) is never rewritten: the next
    /// response gets a buffer of its own; once the first is written, its storage serves again.
    @Test func aQueuedResponseHeadIsNotOverwrittenByTheNext() throws {
        var driver = MachineDriver()
        driver.respond = nil
        let get = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
        driver.receive(get + get + get)
        #expect(driver.dispatched.count == 1)
        var queue = OutputQueue()
        let now = driver.now

        guard case .writeResponse(let firstHead, _, _) = driver.machine.responseReady(.text("one"), now: now) else {
            Issue.record("no response head")
            return
        }
        queue.append(firstHead)
        guard case .dispatch = driver.machine.next(now: now), driver.machine.takeRequest() != nil else {
            Issue.record("the second request was not dispatched")
            return
        }
        guard case .writeResponse(let secondHead, _, _) = driver.machine.responseReady(.text("two"), now: now) else {
            Issue.record("no response head")
            return
        }
        #expect(secondHead !== firstHead)
        let queued = queue.withVectors { vectors in
            vectors.flatMap { Array(UnsafeRawBufferPointer(start: $0.iov_base, count: $0.iov_len)) }
        }
        #expect(String(decoding: queued, as: UTF8.self).hasSuffix("\r\n\r\none"))
        #expect(String(decoding: secondHead.bytes, as: UTF8.self).hasSuffix("\r\n\r\ntwo"))

        // The first is written and let go of; the second is still held (here), so the third
        // response gets a buffer of its own again.
        queue.consume(queue.byteCount)
        guard case .dispatch = driver.machine.wrote(firstHead.count, pending: 0, now: now), driver.machine.takeRequest() != nil else {
            Issue.record("the third request was not dispatched")
            return
        }
        let secondStorage = ObjectIdentifier(secondHead)
        guard case .writeResponse(let thirdHead, _, _) = driver.machine.responseReady(.text("three"), now: now) else {
            Issue.record("no response head")
            return
        }
        #expect(ObjectIdentifier(thirdHead) != secondStorage)  // the test still holds the second
        #expect(String(decoding: thirdHead.bytes, as: UTF8.self).hasSuffix("\r\n\r\nthree"))
        #expect(String(decoding: secondHead.bytes, as: UTF8.self).hasSuffix("\r\n\r\ntwo"))
    }

    @Test func aHeadBufferGrowsForALargeHead() {
        let buffer = HeadBuffer(capacity: 16)
        var response = HTTPResponse.text("x")
        response.headers.add("X-Long", String(repeating: "v", count: 5000))
        var cache = EncodedFieldsCache()
        ResponseHead.encode(
            response, framing: .length(1), keepAlive: false, version: .http1_1, requestID: "r", date: Array("Date: d\r\n".utf8),
            body: [0x78], into: buffer, cache: &cache)
        let text = String(decoding: buffer.bytes, as: UTF8.self)
        #expect(text.contains("X-Long: " + String(repeating: "v", count: 5000) + "\r\n"))
        #expect(text.hasSuffix("Date: d\r\nRequest-Id: r\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx"))
        ResponseHead.encode(
            .text(""), framing: .none, keepAlive: true, version: .http1_0, requestID: "s", date: Array("Date: e\r\n".utf8),
            into: buffer, cache: &cache)
        #expect(
            String(decoding: buffer.bytes, as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nDate: e\r\nRequest-Id: s\r\nConnection: keep-alive\r\n\r\n"
        )
    }

    /// Over a socket, an in-place route answered again and again on one connection (the reused
    /// head buffer and head arrays): each answer carries its own Date, Request-Id, Content-Length
    /// and Connection, HEAD gets no body, and a pipelined burst is answered in order.
    @Test func repeatedInPlaceAnswersCarryTheirOwnFields() async throws {
        try await withServer { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                var ids: Set<String> = []
                for name in ["a", "bb", "ccc"] {
                    let response = try client.exchange("GET /immediate/\(name) HTTP/1.1\r\nHost: t\r\nRequest-Id: id-\(name)\r\n\r\n")
                    #expect(response.text == "now \(name)")
                    #expect(response.headers["Content-Length"] == "\(4 + name.count)")
                    #expect(response.headers["Request-Id"] == "id-\(name)")
                    #expect(response.headers["Connection"] == nil)
                    #expect(response.headers["Date"]?.hasSuffix(" GMT") == true)
                    ids.insert(response.headers["Request-Id"] ?? "")
                }
                #expect(ids.count == 3)
                let head = try client.exchange("HEAD /immediate/dddd HTTP/1.1\r\nHost: t\r\n\r\n", forHead: true)
                #expect(head.status == 200 && head.body.isEmpty && head.headers["Content-Length"] == "8")

                let names = (0..<20).map { "p\($0)" }
                try client.send(names.map { "GET /immediate/\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
                for name in names { #expect(try client.readResponse().text == "now \(name)") }

                let last = try client.exchange("GET /immediate/z HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                #expect(last.text == "now z" && last.headers["Connection"] == "close")
                #expect(client.serverClosed())
            }
        }
    }
}

/// The connection's cache of the last response's status line and fields (``EncodedFieldsCache``).
struct EncodedFieldsCacheTests {
    private static func encode(_ response: HTTPResponse, _ cache: inout EncodedFieldsCache, id: String = "r") -> String {
        let buffer = HeadBuffer()
        ResponseHead.encode(
            response, framing: .length(0), keepAlive: true, version: .http1_1, requestID: id, date: Array("Date: d\r\n".utf8),
            into: buffer, cache: &cache)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    @Test func theSameFieldsAgainGiveTheSameHeadAsWithoutTheCache() {
        var cache = EncodedFieldsCache()
        var response = HTTPResponse(contentType: "application/json", body: [])
        response.headers.add("X-Evil", "a\r\nb")
        let fresh = String(
            decoding: ResponseHead.encode(
                response, framing: .length(0), keepAlive: true, version: .http1_1, requestID: "r", date: Array("Date: d\r\n".utf8)),
            as: UTF8.self)
        #expect(Self.encode(response, &cache) == fresh)
        let copy = response
        #expect(Self.encode(copy, &cache) == fresh)
        #expect(cache.matches(copy))
        #expect(Self.encode(copy, &cache, id: "s") == fresh.replacingOccurrences(of: "Request-Id: r", with: "Request-Id: s"))
    }

    @Test func fieldsChangedAfterCachingAreEncodedAnew() {
        var cache = EncodedFieldsCache()
        var response = HTTPResponse(contentType: "text/plain", body: [])
        _ = Self.encode(response, &cache)
        // Changed in place as far as the response can tell: the cache's hold makes it a copy.
        response.headers.set("Content-Type", "application/json")
        #expect(!cache.matches(response))
        #expect(Self.encode(response, &cache).contains("Content-Type: application/json\r\n"))
        response.headers.add("Date", "handler's")
        let withDate = Self.encode(response, &cache)
        #expect(withDate.contains("Date: handler's\r\n") && !withDate.contains("Date: d\r\n"))
        #expect(Self.encode(response, &cache) == withDate)
    }

    @Test func aNewStatusWithTheSameFieldsIsEncodedAnew() {
        var cache = EncodedFieldsCache()
        let ok = HTTPResponse(contentType: "text/plain", body: [])
        _ = Self.encode(ok, &cache)
        var missing = ok
        missing.status = .notFound
        #expect(Self.encode(missing, &cache).hasPrefix("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"))
        #expect(Self.encode(ok, &cache).hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"))
    }
}
