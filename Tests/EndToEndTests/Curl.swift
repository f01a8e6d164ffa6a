import Foundation

/// One response as curl saw it.
struct CurlResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The body parsed as JSON (objects as [String: Any]).
    var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
}

/// Runs the real `curl` against a server, as a user of the README would.
enum Curl {
    /// `curl -sS -i -X method url` with headers and an optional body (sent with --data-binary @file).
    static func request(
        _ method: String, _ url: String, headers: [String: String] = [:], body: Data? = nil,
        extraArguments: [String] = []
    ) throws -> CurlResponse {
        var arguments = ["-sS", "-i", "--max-time", "60", "-X", method]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { arguments += ["-H", "\(name): \(value)"] }
        var bodyFile: URL?
        if let body {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("paramd-body-\(UUID().uuidString)")
            try body.write(to: file)
            bodyFile = file
            arguments += ["--data-binary", "@\(file.path)"]
            if headers.keys.contains(where: { $0.lowercased() == "content-type" }) == false {
                arguments += ["-H", "Content-Type: application/json"]
            }
        }
        defer { if let bodyFile { try? FileManager.default.removeItem(at: bodyFile) } }
        arguments += extraArguments + [url]
        let output = try run(arguments)
        return try parse(output)
    }

    static func json(
        _ method: String, _ url: String, _ body: String? = nil, headers: [String: String] = [:]
    ) throws -> CurlResponse {
        try request(method, url, headers: headers, body: body.map { Data($0.utf8) })
    }

    /// Runs curl with `arguments`; returns stdout.
    static func run(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    /// Splits `curl -i` output into status, headers and body (skipping any 100 Continue).
    static func parse(_ output: Data) throws -> CurlResponse {
        var rest = output[...]
        while true {
            guard let end = rest.firstRange(of: Data("\r\n\r\n".utf8)) else {
                throw ParseError.noHead(String(decoding: output, as: UTF8.self))
            }
            let head = String(decoding: rest[..<end.lowerBound], as: UTF8.self)
            rest = rest[end.upperBound...]
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst()
            let parts = statusLine.split(separator: " ")
            guard parts.count >= 2, let status = Int(parts[1]) else { throw ParseError.noHead(statusLine) }
            if status == 100 { continue }
            let headers = lines.compactMap { line -> (name: String, value: String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            return CurlResponse(status: status, headers: headers, body: Data(rest))
        }
    }

    enum ParseError: Error {
        case noHead(String)
    }
}
