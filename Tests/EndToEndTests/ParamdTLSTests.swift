import Foundation
import Testing

/// `--tls-cert` and `--tls-key`: the same API over HTTPS, with a certificate made for the test.
struct ParamdTLSTests {
    @Test func servesHTTPSWithTheGivenCertificate() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("paramd-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
            "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)

        let server = try ServerProcess(arguments: ["--tls-cert", certificate, "--tls-key", key])
        defer { server.stop(); server.removeData() }
        #expect(server.log.contains("https://127.0.0.1"))
        let url = "https://127.0.0.1:\(server.port)"
        let created = try Curl.request(
            "POST", "\(url)/v1/models", body: Data(ChapterWalkthroughTests.mlp.utf8), extraArguments: ["--cacert", certificate])
        #expect(created.status == 201)
        let health = try Curl.request("GET", "\(url)/healthz", extraArguments: ["--cacert", certificate])
        #expect(health.status == 200)
        // Plain HTTP on the TLS port gets no HTTP answer.
        let plain = try Curl.run(["-s", "-m", "3", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(server.port)/healthz"])
        #expect(String(decoding: plain, as: UTF8.self) != "200")
    }

    @Test func aCertificateWithoutItsKeyIsRefusedAtStart() throws {
        #expect(throws: (any Error).self) { _ = try ServerProcess(arguments: ["--tls-cert", "/nonexistent.pem"]) }
    }
}
