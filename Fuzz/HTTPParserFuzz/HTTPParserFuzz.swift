import CSystem
import Glibc
import HTTP

/// The fuzz callback: the input is a byte stream from a client. It is parsed twice, whole and
/// cut into pieces chosen by its first byte; both must agree, and neither may crash or hang.
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var limits = HTTPLimits()
    limits.maxHeaderBytes = 4096
    limits.maxTargetBytes = 1024
    limits.maxHeaderCount = 32
    limits.maxBodyBytes = 1 << 16
    let whole = FuzzStream.parse([bytes], limits: limits)
    let step = Int(bytes.first ?? 1) % 7 + 1
    let pieces = stride(from: 0, to: bytes.count, by: step).map { Array(bytes[$0..<min($0 + step, bytes.count)]) }
    let split = FuzzStream.parse(pieces, limits: limits)
    precondition(whole == split, "whole and split parses disagree: \(whole) vs \(split)")
    return 0
}

/// What a stream of requests parsed into: a summary of each message and how it ended.
struct FuzzStream: Equatable {
    var messages: [String] = []
    var error: HTTPParseError?

    static func parse(_ pieces: [[UInt8]], limits: HTTPLimits) -> FuzzStream {
        var result = FuzzStream()
        var parser = HTTPRequestParser(limits: limits)
        var buffer: [UInt8] = []
        var head: HTTPRequestHead?
        var decoder: HTTPBodyDecoder?
        var body: [UInt8] = []
        do {
            for piece in pieces {
                buffer.append(contentsOf: piece)
                while !buffer.isEmpty {
                    if let current = head {
                        let consumed = try buffer.withUnsafeBufferPointer { bytes throws(HTTPParseError) in
                            try decoder!.decode(bytes, into: &body)
                        }
                        buffer.removeFirst(consumed)
                        guard decoder!.isComplete else { break }
                        result.messages.append(
                            "\(current.method) \(current.path) \(current.pathSegments) \(current.query.count) \(body.count) \(decoder!.trailers.count)"
                        )
                        head = nil
                        body = []
                    } else {
                        let parsed = try buffer.withUnsafeBufferPointer { bytes throws(HTTPParseError) in try parser.parseHead(bytes) }
                        guard let (parsedHead, consumed) = parsed else { break }
                        buffer.removeFirst(consumed)
                        head = parsedHead
                        decoder = HTTPBodyDecoder(framing: parsedHead.framing, maxBodyBytes: limits.maxBodyBytes, limits: limits)
                        if decoder!.isComplete {
                            result.messages.append(
                                "\(parsedHead.method) \(parsedHead.path) \(parsedHead.pathSegments) \(parsedHead.query.count) 0 0")
                            head = nil
                        }
                    }
                }
            }
        } catch {
            result.error = error
        }
        return result
    }
}

/// With `-DFUZZING` (scripts/fuzz-http-parser.sh) hands control to libFuzzer; otherwise replays the
/// files named on the command line, for reproducing a crash the fuzzer saved.
@main
struct HTTPParserFuzzMain {
    static func main() {
        #if FUZZING
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzHTTPParser(data ?? UnsafePointer(bitPattern: 1)!, size) })
        #else
            for path in CommandLine.arguments.dropFirst() {
                guard let bytes = readFile(path) else {
                    print("cannot read \(path)")
                    continue
                }
                _ = bytes.withUnsafeBufferPointer { fuzzHTTPParser($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
                print("ok \(path)")
            }
        #endif
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return bytes
    }
}
