import Foundation
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// `--tokens-file` on the real binary: hashed and plain tokens with scopes, checked with curl;
/// SIGHUP reloads the file while a keep-alive connection stays open; a bad file on reload
/// keeps the old tokens, and a bad file at start stops the server with a clear message.
@Suite(.serialized)
struct TokenScopesEndToEndTests {
    /// The file's tokens: `reader` stored as its SHA-256 digest, the others in plain text.
    static let reader = "reader-secret-1"
    static let initialFile = """
        # paramd tokens: one token and its scopes per line
        sha256:\(sha256Hex(reader)) read
        runner-secret-2 read,infer
        writer-secret-3 read,write
        """

    /// The digest as `printf %s TOKEN | sha256sum` prints it, from the system tool.
    static func sha256Hex(_ token: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sh", "-c", "printf %s \"$1\" | sha256sum", "sh", token]
        let output = Pipe()
        process.standardOutput = output
        try? process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }

    static func temporaryFile(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("paramd-tokens-\(UUID().uuidString)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

    @Test func scopesDecideWhatEachTokenMayDo() throws {
        let file = try Self.temporaryFile(Self.initialFile)
        defer { try? FileManager.default.removeItem(at: file) }
        let server = try ServerProcess(token: "root-secret-0", arguments: ["--tokens-file", file.path])
        defer { server.stop(); server.removeData() }
        let base = server.baseURL

        let denied = try Curl.json("POST", "\(base)/v1/models", ChapterWalkthroughTests.mlp, headers: Self.bearer(Self.reader))
        #expect(denied.status == 403)
        #expect(denied.header("Content-Type") == "application/problem+json")
        #expect(denied.object["required_scope"] as? String == "write")
        #expect(denied.header("WWW-Authenticate")?.contains(#"scope="write""#) == true)
        #expect(
            try Curl.json("POST", "\(base)/v1/models", ChapterWalkthroughTests.mlp, headers: Self.bearer("writer-secret-3")).status == 201)

        #expect(try Curl.json("GET", "\(base)/v1/models/mlp", headers: Self.bearer(Self.reader)).status == 200)
        let forward = #"{"inputs": [[1, 2, 3, 4]]}"#
        #expect(try Curl.json("POST", "\(base)/v1/models/mlp/forward", forward, headers: Self.bearer(Self.reader)).status == 403)
        #expect(try Curl.json("POST", "\(base)/v1/models/mlp/forward", forward, headers: Self.bearer("runner-secret-2")).status == 200)
        let v2 = try Curl.json("GET", "\(base)/v2/models/mlp", headers: Self.bearer(Self.reader))
        #expect(v2.status == 403)
        #expect((v2.object["error"] as? String)?.contains(#""infer""#) == true)

        // The digest in the file is not itself a token, and --token still grants everything.
        #expect(try Curl.json("GET", "\(base)/v1/models", headers: Self.bearer("sha256:\(Self.sha256Hex(Self.reader))")).status == 401)
        #expect(try Curl.json("DELETE", "\(base)/v1/models/mlp", headers: Self.bearer("root-secret-0")).status == 204)
        #expect(try Curl.json("GET", "\(base)/v1/models").status == 401)
        for secret in ["root-secret-0", Self.reader, "runner-secret-2", "writer-secret-3"] {
            #expect(!server.log.contains(secret), "a token reached the log")
        }
    }

    @Test func sighupReloadsTheFileWhileAKeepAliveConnectionStaysOpen() throws {
        let file = try Self.temporaryFile(Self.initialFile)
        defer { try? FileManager.default.removeItem(at: file) }
        let server = try ServerProcess(arguments: ["--tokens-file", file.path])
        defer { server.stop(); server.removeData() }
        let connection = try KeepAliveConnection(port: server.port)
        defer { connection.close() }
        #expect(try connection.get("/v1/models", token: Self.reader).status == 200)

        // Remove the reader, add a new one.
        try (Self.initialFile.replacingOccurrences(of: "sha256:\(Self.sha256Hex(Self.reader)) read", with: "fresh-secret-4 read") + "\n")
            .write(to: file, atomically: true, encoding: .utf8)
        try Self.reload(server, expecting: "tokens file reloaded", count: 1)
        #expect(try connection.get("/v1/models", token: "fresh-secret-4").status == 200)
        let removed = try connection.get("/v1/models", token: Self.reader)
        #expect(removed.status == 401)
        #expect(removed.header("WWW-Authenticate")?.contains("invalid_token") == true)
        #expect(try Curl.json("GET", "\(server.baseURL)/v1/models", headers: Self.bearer("fresh-secret-4")).status == 200)

        // A bad file is refused whole: the tokens in force stay, and the error names the line.
        try "fresh-secret-4 read\nbroken-line\n".write(to: file, atomically: true, encoding: .utf8)
        try Self.reload(server, expecting: "tokens file not reloaded", count: 1)
        #expect(server.log.contains("line 2: expected a token and its scopes"))
        #expect(try connection.get("/v1/models", token: "fresh-secret-4").status == 200)
        #expect(try connection.get("/v1/models", token: "runner-secret-2").status == 200)
        #expect(try Curl.json("GET", "\(server.baseURL)/healthz").status == 200)
        #expect(!server.log.contains("broken-line"))
    }

    @Test func aBadFileAtStartIsAClearStartupError() throws {
        let file = try Self.temporaryFile("ok-token read\nbad-token reed\n")
        defer { try? FileManager.default.removeItem(at: file) }
        for (arguments, environment) in [(["--tokens-file", file.path], [:]), ([], ["PARAMD_TOKENS_FILE": file.path])] {
            do {
                let server = try ServerProcess(arguments: arguments, environment: environment)
                server.stop()
                Issue.record("paramd started with an invalid tokens file")
            } catch ServerProcess.StartError.noListeningLine(let log) {
                #expect(log.contains("the tokens file \(file.path) is invalid: line 2: unknown scope \"reed\""), "\(log)")
                #expect(!log.contains("bad-token"))
            }
        }
    }

    /// Sends SIGHUP and waits until the log shows `needle` `count` more times.
    static func reload(_ server: ServerProcess, expecting needle: String, count: Int) throws {
        let before = server.log.components(separatedBy: needle).count - 1
        kill(server.process.processIdentifier, SIGHUP)
        let deadline = Date().addingTimeInterval(10)
        while server.log.components(separatedBy: needle).count - 1 < before + count {
            guard Date() < deadline else { throw ReloadTimedOut(log: server.log) }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    struct ReloadTimedOut: Error { let log: String }
}

/// One HTTP/1.1 connection kept open across requests, to show that a reload leaves it alone.
final class KeepAliveConnection {
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = try Wire.connect(port: port, timeout: 10)
    }

    func get(_ target: String, token: String) throws -> WireResponse {
        let request = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n\r\n"
        let bytes = Array(request.utf8)
        let sent = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw WireError.closedBeforeResponse(bytesReceived: 0) }
        return try Wire.readResponse(descriptor, deadline: Date().addingTimeInterval(10))
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}
