import Foundation
@testable import HTTP

/// Drives a ``ConnectionMachine`` as the shell does, without a socket: bytes in, actions carried
/// out into plain records (what was written, which requests were dispatched, completions, the
/// close), on a fake clock the test moves. The "socket" takes every write at once unless
/// `socketAccepts` says otherwise.
struct MachineDriver {
    var machine: ConnectionMachine
    /// Nanoseconds on the fake monotonic clock.
    var now: UInt64 = 1_000_000_000
    var written: [UInt8] = []
    var dispatched: [HTTPRequest] = []
    /// The completion hook's calls, in order.
    var completed: [HTTPRequestSummary] { completions.entries }
    var shutDownWriting = false
    var isClosed = false
    /// Bytes queued but not yet taken by the "socket".
    var unsent: [UInt8] = []
    /// Whether the "socket" takes writes now; when false, output queues in `unsent`.
    var socketAccepts = true
    /// Answers each dispatched request at once (an in-place handler); nil leaves it waiting.
    var respond: ((HTTPRequest) -> HTTPResponse)? = { request in
        HTTPResponse(contentType: "text/plain", body: Array("\(request.method) \(request.target) \(request.body.count)".utf8))
    }

    init(
        limits: HTTPLimits = HTTPLimits(), timeouts: HTTPTimeouts = HTTPTimeouts(), isTLS: Bool = false,
        headReceived: @escaping (HTTPRequestHead) -> HTTPHeadDecision = { _ in .proceed },
        bodyPlan: @escaping (HTTPRequest) -> HTTPBodyPlan = { _ in .buffered },
        prebuiltResponse: @escaping (HTTPRequestHead) -> PrebuiltResponse? = { _ in nil }, completionReadsRequestID: Bool = true,
        dateField: @escaping () -> [UInt8] = { Array("Date: Thu, 03 Dec 2026 12:00:00 GMT\r\n".utf8) }
    ) {
        let refusals = RefusalLog()
        let completions = CompletionLog()
        var counter = 0
        let environment = ConnectionMachine.Environment(
            limits: limits, timeouts: timeouts, isTLS: isTLS, remoteAddress: "192.0.2.1:4000", headReceived: headReceived,
            bodyPlan: { bodyPlan($0) }, prebuiltResponse: prebuiltResponse,
            errorResponse: { status, error in
                refusals.entries.append((status, error))
                return .text("refused: \(status.code)\n", status: status)
            },
            makeRequestID: {
                counter += 1
                return InlineRequestID("id-\(counter)")
            },
            dateField: dateField, completionReadsRequestID: completionReadsRequestID,
            planFailed: { _, _ in },
            requestCompleted: { completions.entries.append($0) })
        machine = ConnectionMachine(environment: environment, now: now)
        self.refusals = refusals
        self.completions = completions
    }

    private let refusals: RefusalLog
    private let completions: CompletionLog
    /// What the server's error-response hook was asked for, in order.
    var errors: [(HTTPStatus, HTTPParseError?)] { refusals.entries }

    /// Receives `bytes` as one read.
    mutating func receive(_ bytes: [UInt8]) {
        let action = bytes.withUnsafeBytes { machine.received($0, now: now) }
        perform(action)
    }

    mutating func receive(_ text: String) { receive(Array(text.utf8)) }

    /// Receives `bytes` in pieces cut at `splits` (sorted offsets).
    mutating func receive(_ bytes: [UInt8], splitAt splits: [Int]) {
        var start = 0
        for end in splits + [bytes.count] where end > start {
            receive(Array(bytes[start..<end]))
            start = end
        }
    }

    /// Moves the clock and lets deadlines fire.
    mutating func advance(by duration: Duration) {
        now += duration.monotonicNanoseconds
        perform(machine.tick(now: now))
    }

    mutating func peerCloses() { perform(machine.peerClosed(now: now)) }

    /// The client reads everything queued.
    mutating func clientReads() {
        socketAccepts = true
        let count = unsent.count
        written += unsent
        unsent = []
        perform(machine.wrote(count, pending: 0, now: now))
    }

    mutating func answer(_ response: HTTPResponse) { perform(machine.responseReady(response, now: now)) }

    mutating func perform(_ first: ConnectionAction) {
        var action = first
        while true {
            switch action {
            case .none:
                return
            case .write(let head, let body, _):
                if socketAccepts {
                    written += head + body
                    action = machine.wrote(head.count + body.count, pending: 0, now: now)
                } else {
                    unsent += head + body
                    action = machine.wrote(0, pending: unsent.count, now: now)
                }
                continue
            case .writeResponse(let head, let body, let urgent):
                action = .write(head: head.bytes, body: body, urgent: urgent)
                continue
            case .writeLent(let prefix, let bytes, let suffix):
                action = .write(head: prefix + bytes.copied + suffix, body: [], urgent: true)
                continue
            case .dispatch:
                guard let request = machine.takeRequest() else { break }
                dispatched.append(request)
                if let respond {
                    action = machine.responseReady(respond(request), now: now)
                    continue
                }
            case .shutDownWriting:
                shutDownWriting = true
            case .close:
                isClosed = true
                machine.closed(now: now)
                return
            }
            action = machine.next(now: now)
        }
    }

    /// The responses written so far, split at each status line, as text.
    var responses: [String] {
        let text = String(decoding: written, as: UTF8.self)
        return text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { "HTTP/1.1 " + $0 }
    }

    var statuses: [Int] { responses.compactMap { Int($0.dropFirst(9).prefix(3)) } }
}

/// The error-response hook's calls (a class, so the machine's closure and the test share it).
final class RefusalLog {
    var entries: [(HTTPStatus, HTTPParseError?)] = []
}

/// The completion hook's calls (a class, as ``RefusalLog``).
final class CompletionLog {
    var entries: [HTTPRequestSummary] = []
}
