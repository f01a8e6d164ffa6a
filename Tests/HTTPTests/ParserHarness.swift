import Testing
@testable import HTTP

/// A parsed request reduced to comparable values.
struct ParsedMessage: Equatable {
    var method: String
    var target: String
    var version: HTTPVersion
    var headers: [[String]]
    var body: [UInt8]
    var trailers: [[String]]
}

/// Feeds `bytes` to a parser and body decoder the way a connection does: appended in `pieces`,
/// re-parsing the unconsumed bytes after each piece. Returns every complete message.
func parseMessages(_ pieces: [[UInt8]], limits: HTTPLimits = HTTPLimits()) throws(HTTPParseError) -> [ParsedMessage] {
    var parser = HTTPRequestParser(limits: limits)
    var buffer: [UInt8] = []
    var messages: [ParsedMessage] = []
    var head: HTTPRequestHead?
    var decoder: HTTPBodyDecoder?
    var body: [UInt8] = []
    for piece in pieces {
        buffer.append(contentsOf: piece)
        progress: while !buffer.isEmpty {
            if let current = head {
                let consumed = try buffer.withUnsafeBufferPointer { bytes throws(HTTPParseError) in
                    try decoder!.decode(bytes, into: &body)
                }
                buffer.removeFirst(consumed)
                guard decoder!.isComplete else { break progress }
                messages.append(
                    ParsedMessage(
                        method: current.method.rawValue, target: current.target, version: current.version,
                        headers: current.headers.map { [$0.name, $0.value] }, body: body,
                        trailers: decoder!.trailers.map { [$0.name, $0.value] }))
                head = nil
                body = []
            } else {
                let parsed = try buffer.withUnsafeBufferPointer { bytes throws(HTTPParseError) in try parser.parseHead(bytes) }
                guard let (parsedHead, consumed) = parsed else { break progress }
                buffer.removeFirst(consumed)
                expectEagerValues(parsedHead)
                head = parsedHead
                decoder = HTTPBodyDecoder(framing: parsedHead.framing, maxBodyBytes: limits.maxBodyBytes, limits: limits)
            }
        }
    }
    // A bodiless message completes as soon as its head does.
    if let current = head, decoder!.isComplete {
        messages.append(
            ParsedMessage(
                method: current.method.rawValue, target: current.target, version: current.version,
                headers: current.headers.map { [$0.name, $0.value] }, body: body, trailers: []))
    }
    return messages
}

/// The parser makes the target's parts from its bytes, into the connection's reused arrays,
/// and keeps path and query only where decoding changed them: every parsed head must read as
/// the target's parts made afresh from its string, and its method as the one its name makes.
func expectEagerValues(_ head: HTTPRequestHead) {
    #expect(HTTPMethod(rawValue: head.method.rawValue) == head.method)
    #expect(head.method.hashValue == HTTPMethod(rawValue: head.method.rawValue).hashValue)
    guard let eager = try? RequestTarget(head.target, method: head.method) else {
        Issue.record("the target \(head.target) of a parsed head does not parse")
        return
    }
    #expect(head.path == eager.path && head.pathSegments == eager.segments && head.query == eager.query, "\(head.target)")
    for item in eager.query { #expect(head.queryValue(item.name) == eager.query.first { $0.name == item.name }?.value) }
}

func parseMessages(_ text: String, limits: HTTPLimits = HTTPLimits()) throws(HTTPParseError) -> [ParsedMessage] {
    try parseMessages([Array(text.utf8)], limits: limits)
}

/// The error parsing `bytes` whole throws, or nil if it parses.
func parseError(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) -> HTTPParseError? {
    do {
        _ = try parseMessages([bytes], limits: limits)
        return nil
    } catch {
        return error
    }
}

/// The head of a single request given whole.
func parseHead(_ text: String) throws(HTTPParseError) -> HTTPRequestHead? {
    var parser = HTTPRequestParser()
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBufferPointer { buffer throws(HTTPParseError) in try parser.parseHead(buffer) }?.0
}

/// SplitMix64: a small seeded generator so random splits repeat run to run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `bytes` cut at random positions into 1…8 pieces.
func randomSplit(_ bytes: [UInt8], using generator: inout SeededGenerator) -> [[UInt8]] {
    guard bytes.count > 1 else { return [bytes] }
    let cutCount = Int.random(in: 0...min(7, bytes.count - 1), using: &generator)
    let cuts = (0..<cutCount).map { _ in Int.random(in: 1..<bytes.count, using: &generator) }
    var pieces: [[UInt8]] = []
    var start = 0
    for cut in Set(cuts).sorted() {
        pieces.append(Array(bytes[start..<cut]))
        start = cut
    }
    pieces.append(Array(bytes[start...]))
    return pieces
}

/// `count` bytes from a seeded generator, eight at a time (fast even in debug builds).
func pseudoRandomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SeededGenerator(seed: seed)
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset < count {
            var word = generator.next()
            let take = min(8, count - offset)
            withUnsafeBytes(of: &word) { buffer.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: take) }
            offset += take
        }
    }
    return bytes
}
