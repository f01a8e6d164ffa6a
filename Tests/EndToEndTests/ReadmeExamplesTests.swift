import Foundation
import Testing

/// Runs every curl example of README.md, in order, against a fresh server and checks that it
/// prints what the README shows (JSON compared as values, numbers to 1e-5 relative).
struct ReadmeExamplesTests {
    struct Example {
        var command: String
        var expected: String
        var isJSON: Bool
    }

    /// Each ```sh block holding one curl command, paired with the ```json or ```text block
    /// right after it.
    static func examples() throws -> [Example] {
        let readme = try String(contentsOf: ServerProcess.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        var examples: [Example] = []
        var index = 0
        func block(at start: Int) -> (language: String, body: [String], end: Int)? {
            guard start < lines.count, lines[start].hasPrefix("```"), lines[start].count > 3 else { return nil }
            var end = start + 1
            while end < lines.count, lines[end] != "```" { end += 1 }
            return (String(lines[start].dropFirst(3)), Array(lines[(start + 1)..<end]), end)
        }
        while index < lines.count {
            if let command = block(at: index), command.language == "sh", command.body.count == 1,
                command.body[0].hasPrefix("curl "), let output = block(at: command.end + 1)
            {
                examples.append(
                    Example(
                        command: command.body[0], expected: output.body.joined(separator: "\n"), isJSON: output.language == "json"))
                index = output.end + 1
            } else {
                index += 1
            }
        }
        return examples
    }

    @Test func everyCurlExampleGivesTheOutputShown() throws {
        let examples = try Self.examples()
        #expect(examples.count >= 30)
        let server = try ServerProcess()
        defer { server.stop(); server.removeData() }
        for example in examples {
            // A bound on each request, so a server that stopped answering fails the test instead of hanging it.
            let command = example.command.replacingOccurrences(of: "localhost:8080", with: "127.0.0.1:\(server.port)")
                .replacingOccurrences(of: "curl -s ", with: "curl -s --max-time 60 ")
            let actual = try Self.bash(command).trimmingCharacters(in: .newlines)
            if example.isJSON {
                let expectedLines = example.expected.split(separator: "\n").map(String.init)
                let actualLines = actual.split(separator: "\n").map(String.init)
                #expect(expectedLines.count == actualLines.count, "\(example.command)\n\(actual)")
                for (expected, got) in zip(expectedLines, actualLines) {
                    let a = try JSONSerialization.jsonObject(with: Data(expected.utf8), options: [.fragmentsAllowed])
                    let b = try? JSONSerialization.jsonObject(with: Data(got.utf8), options: [.fragmentsAllowed])
                    #expect(b.map { Self.close(a, $0) } == true, "\(example.command)\nexpected \(expected)\n     got \(got)")
                }
            } else {
                #expect(actual == example.expected, "\(example.command)")
            }
        }
    }

    static func bash(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Structural equality with a numeric tolerance: float32 results may differ in the last
    /// bit on another CPU's kernels.
    static func close(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (let x as [String: Any], let y as [String: Any]):
            return x.keys.sorted() == y.keys.sorted() && x.keys.allSatisfy { close(x[$0]!, y[$0]!) }
        case (let x as [Any], let y as [Any]):
            return x.count == y.count && zip(x, y).allSatisfy { close($0, $1) }
        case (let x as String, let y as String):
            return x == y
        case (let x as NSNumber, let y as NSNumber):
            let (u, v) = (x.doubleValue, y.doubleValue)
            return abs(u - v) <= 1e-6 + 1e-5 * max(abs(u), abs(v))
        case (is NSNull, is NSNull):
            return true
        default:
            return false
        }
    }
}
