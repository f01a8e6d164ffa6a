import Foundation
import Testing
@testable import HTTP

/// The server as curl sees it: uploads that would stall a second without 100-continue, chunked
/// uploads, and gzip both ways.
struct CurlTests {
    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "paramd-http-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func randomBytes(_ count: Int) -> [UInt8] { pseudoRandomBytes(count, seed: UInt64(count)) }

    @Test func uploadWithDashTCompletesWithoutTheOneSecondStall() async throws {
        let payload = Self.randomBytes(1024)
        let file = try Self.temporaryFile(payload)
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await withServer { _, port in
            // Without a 100, curl would wait out --expect100-timeout before sending the body. The
            // 100 in curl's trace is the proof; a wall-clock bound would flake on a loaded machine.
            let result = try await run(
                "curl", ["-sS", "-v", "-T", file, "--expect100-timeout", "5", "-o", "-", "http://127.0.0.1:\(port)/echo"])
            #expect(result.stderr.contains("< HTTP/1.1 100 Continue"), "\(result.stderr)")
            #expect(result.status == 0)
            #expect(result.stdout == payload)
        }
    }

    @Test func twoMebibytePostCompletesWithoutTheOneSecondStall() async throws {
        let payload = Self.randomBytes(2 << 20)
        let file = try Self.temporaryFile(payload)
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await withServer { _, port in
            let result = try await run(
                "curl",
                [
                    "-sS", "-v", "--data-binary", "@\(file)", "--expect100-timeout", "5", "-H", "Content-Type: application/octet-stream",
                    "http://127.0.0.1:\(port)/echo"
                ])
            #expect(result.stderr.contains("< HTTP/1.1 100 Continue"), "\(result.stderr)")
            #expect(result.status == 0)
            #expect(result.stdout == payload)
        }
    }

    @Test func invalidHostFromCurlIs400AndAValidOneIsServed() async throws {
        try await withServer { _, port in
            let bad = try await run(
                "curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: a b", "http://127.0.0.1:\(port)/big"])
            #expect(bad.text == "400")
            let good = try await run(
                "curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: [::1]:8080", "http://127.0.0.1:\(port)/big"])
            #expect(good.text == "200")
        }
    }

    @Test func chunkedUploadFromCurl() async throws {
        let payload = Self.randomBytes(300_000)
        try await withServer { _, port in
            let result = try await run(
                "curl", ["-sS", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-", "http://127.0.0.1:\(port)/echo"],
                stdin: payload)
            #expect(result.status == 0)
            #expect(result.stdout == payload)
        }
    }

    @Test func compressedResponseDecodedByCurl() async throws {
        try await withServer { _, port in
            let plain = try await run("curl", ["-sS", "http://127.0.0.1:\(port)/big"])
            let compressed = try await run(
                "curl", ["-sS", "--compressed", "-D", "/dev/stderr", "-w", "\n%{size_download}", "http://127.0.0.1:\(port)/big"])
            let lines = compressed.text.split(separator: "\n")
            let downloaded = Int(lines.last ?? "") ?? 0
            let body = lines.dropLast().joined(separator: "\n")
            #expect(body == plain.text)
            #expect(compressed.stderr.lowercased().contains("content-encoding: gzip"))
            #expect(downloaded > 0 && downloaded * 10 < plain.stdout.count)
        }
    }

    @Test func gzipUploadFromCurlIsInflated() async throws {
        let payload = Array(String(repeating: "[0.1, 0.2, 0.3], ", count: 5000).utf8)
        let file = try Self.temporaryFile(Gzip.compress(payload, level: 6))
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await withServer { _, port in
            let result = try await run(
                "curl",
                [
                    "-sS", "-H", "Content-Encoding: gzip", "-H", "Content-Type: application/json", "--data-binary", "@\(file)",
                    "http://127.0.0.1:\(port)/echo"
                ])
            #expect(result.stdout == payload)
        }
    }

    @Test func twoHundredConcurrentClients() async throws {
        try await withServer { _, port in
            let urls = (0..<200).map { "http://127.0.0.1:\(port)/slow?ms=\($0 % 50)" }
            let result = try await run(
                "curl",
                ["-sS", "--parallel", "--parallel-immediate", "--parallel-max", "200", "-o", "/dev/null", "-w", "%{http_code}\n"]
                    + urls.flatMap { [$0, "-o", "/dev/null"] })
            let codes = result.text.split(separator: "\n")
            #expect(codes.count == 200)
            #expect(codes.allSatisfy { $0 == "200" })
        }
    }
}
