import Testing
@testable import HTTP

/// gzip round trips, refuses garbage and bombs, and is negotiated from Accept-Encoding.
struct GzipTests {
    static let json = Array(String(repeating: #"{"name":"layer","values":[0.25,0.5,0.75]},"#, count: 200).utf8)

    @Test func roundTrips() throws {
        for size in [0, 1, 7, 1000, Self.json.count] {
            let original = Array(Self.json.prefix(size))
            let compressed = Gzip.compress(original, level: 5)
            #expect(compressed.prefix(2) == [0x1F, 0x8B])
            #expect(try Gzip.decompress(compressed, limit: 1 << 20) == original)
        }
    }

    @Test func refusesInflationBeyondTheLimit() {
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 4 << 20), level: 9)
        #expect(bomb.count < 8 << 10)
        #expect(throws: HTTPParseError.inflatedBodyTooLarge(limit: 1 << 20)) { try Gzip.decompress(bomb, limit: 1 << 20) }
    }

    @Test func refusesGarbageTruncationAndTrailingBytes() {
        let compressed = Gzip.compress(Self.json, level: 5)
        #expect(throws: HTTPParseError.invalidCompressedBody) { try Gzip.decompress(Array("not gzip".utf8), limit: 1 << 20) }
        #expect(throws: HTTPParseError.invalidCompressedBody) { try Gzip.decompress(Array(compressed.dropLast(9)), limit: 1 << 20) }
        #expect(throws: HTTPParseError.invalidCompressedBody) { try Gzip.decompress(compressed + [1, 2, 3], limit: 1 << 20) }
    }

    @Test func negotiatesFromAcceptEncoding() {
        func accepts(_ value: String?) -> Bool {
            var headers = HTTPHeaders()
            if let value { headers.add("Accept-Encoding", value) }
            return ContentCoding.acceptsGzip(headers)
        }
        #expect(accepts("gzip"))
        #expect(accepts("deflate, gzip;q=0.5"))
        #expect(accepts("*"))
        #expect(accepts("br, GZIP"))
        #expect(!accepts(nil))
        #expect(!accepts("gzip;q=0"))
        #expect(!accepts("br"))
        #expect(!accepts("*;q=0"))
        #expect(!accepts("*, gzip;q=0"))
    }

    @Test func compressesOnlyEligibleResponses() {
        var policy = HTTPCompression()
        policy.minimumBytes = 100
        let big = HTTPResponse(contentType: "application/json", body: Self.json)
        let compressed = ContentCoding.compressIfWorthwhile(big, acceptsGzip: true, policy: policy)
        #expect(compressed.headers["Content-Encoding"] == "gzip")
        #expect(compressed.headers["Vary"] == "Accept-Encoding")
        let refused = ContentCoding.compressIfWorthwhile(big, acceptsGzip: false, policy: policy)
        #expect(refused.headers["Content-Encoding"] == nil)
        #expect(refused.headers["Vary"] == "Accept-Encoding")
        let small = HTTPResponse(contentType: "application/json", body: Array("{}".utf8))
        #expect(ContentCoding.compressIfWorthwhile(small, acceptsGzip: true, policy: policy).headers["Content-Encoding"] == nil)
        let binary = HTTPResponse(contentType: "application/octet-stream", body: Self.json)
        #expect(ContentCoding.compressIfWorthwhile(binary, acceptsGzip: true, policy: policy).headers["Content-Encoding"] == nil)
    }
}
