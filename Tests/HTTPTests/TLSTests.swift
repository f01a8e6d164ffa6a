import Foundation
import Testing
import TestSupport
@testable import HTTP

/// TLS 1.2+ with a certificate made for the test by the openssl CLI.
@Suite(.serialized)
struct TLSTests {
    /// A self-signed EC certificate for localhost and 127.0.0.1, in a fresh directory.
    static func makeCertificate() async throws -> (certificate: String, key: String) {
        let directory = NSTemporaryDirectory() + "paramd-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificate = directory + "/cert.pem"
        let key = directory + "/key.pem"
        let result = try await run(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"
            ])
        try #require(result.status == 0, "openssl req failed: \(result.stderr)")
        return (certificate, key)
    }

    static func tlsConfiguration(_ files: (certificate: String, key: String)) -> HTTPServerConfiguration {
        testConfiguration { $0.tls = TLSConfiguration(certificateChainPath: files.certificate, privateKeyPath: files.key) }
    }

    @Test func servesHTTPSThatCurlVerifies() async throws {
        let files = try await Self.makeCertificate()
        try await withServer(Self.tlsConfiguration(files)) { _, port in
            let url = "https://127.0.0.1:\(port)/json"
            // Two URLs on one command line: the second reuses the kept-alive TLS connection.
            let result = try await run("curl", ["-sS", "--cacert", files.certificate, "-w", "\n%{http_code} %{num_connects}\n", url, url])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.text.split(separator: "\n")
            #expect(lines == [#"{"message":"Hello, World!"}"#, "200 1", #"{"message":"Hello, World!"}"#, "200 0"])
        }
    }

    @Test func echoesLargeBodiesOverTLS() async throws {
        let files = try await Self.makeCertificate()
        let payload = pseudoRandomBytes(1 << 20, seed: 9)
        try await withServer(Self.tlsConfiguration(files)) { _, port in
            let result = try await run(
                "curl",
                [
                    "-sS", "--cacert", files.certificate, "--data-binary", "@-", "-H", "Content-Type: application/octet-stream",
                    "https://127.0.0.1:\(port)/echo"
                ], stdin: payload)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == payload)
        }
    }

    @Test func refusesTLS11AndAcceptsTLS12() async throws {
        let files = try await Self.makeCertificate()
        try await withServer(Self.tlsConfiguration(files)) { _, port in
            // SECLEVEL=0 lets the client offer TLS 1.1 at all, so the refusal is the server's.
            let old = try await run(
                "openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"], stdin: [])
            #expect(old.status != 0)
            #expect(old.text.contains("Cipher is (NONE)"), "no session was established")
            #expect(old.stderr.contains("protocol version"), "the server's alert names the version: \(old.stderr)")
            let modern = try await run(
                "openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-tls1_2", "-CAfile", files.certificate], stdin: [])
            #expect(modern.status == 0)
            #expect(modern.text.contains("Protocol  : TLSv1.2"))
            #expect(!modern.text.contains("Cipher is (NONE)"))
            #expect(modern.text.contains("Verify return code: 0 (ok)"))
        }
    }

    /// At the connection cap a TLS listener closes the newcomer without writing: a plaintext
    /// 503 would reach a client that expects a handshake as garbage.
    @Test func aTLSNewcomerAtTheCapIsClosedWithoutPlaintext() async throws {
        let files = try await Self.makeCertificate()
        let entered = Gate()
        let release = Gate()
        var router = testRouter()
        router.get("/held") { _ in
            entered.open()
            await release.wait()
            return .text("released")
        }
        var configuration = Self.tlsConfiguration(files)
        configuration.limits.maxConnections = 1
        try await withServer(configuration, router: router) { _, port in
            let busy = Task { try await run("curl", ["-sS", "--cacert", files.certificate, "https://127.0.0.1:\(port)/held"]) }
            await entered.wait()
            let refusal = try await blocking { () -> [UInt8] in
                let newcomer = try RawClient(port: port)
                return try newcomer.readToEnd()
            }
            #expect(refusal.isEmpty, "the newcomer got \(String(decoding: refusal, as: UTF8.self).debugDescription)")
            release.open()
            let result = try await busy.value
            #expect(result.text == "released", "\(result.stderr)")
        }
    }

    @Test func offersOnlyTheIntermediateKeyExchangeGroups() async throws {
        let files = try await Self.makeCertificate()
        try await withServer(Self.tlsConfiguration(files)) { _, port in
            for group in ["X448", "P-521"] {
                let refused = try await run(
                    "openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-groups", group, "-CAfile", files.certificate], stdin: [])
                #expect(refused.status != 0, "\(group) must not be negotiated")
            }
            for group in ["X25519", "P-256", "P-384"] {
                let accepted = try await run(
                    "openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-groups", group, "-CAfile", files.certificate], stdin: [])
                #expect(accepted.status == 0, "\(group): \(accepted.stderr)")
                #expect(accepted.text.contains("Verify return code: 0 (ok)"))
            }
        }
    }

    @Test func plainHTTPToATLSPortIsClosedAndTheServerStaysUp() async throws {
        let files = try await Self.makeCertificate()
        try await withServer(Self.tlsConfiguration(files)) { _, port in
            try await blocking {
                let client = try RawClient(port: port)
                try client.send("GET /json HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(client.serverClosed())
            }
            let result = try await run("curl", ["-sS", "--cacert", files.certificate, "https://127.0.0.1:\(port)/json"])
            #expect(result.status == 0)
        }
    }

    @Test func badKeyFilesFailAtStart() async throws {
        let server = HTTPServer(
            configuration: testConfiguration {
                $0.tls = TLSConfiguration(certificateChainPath: "/nonexistent.pem", privateKeyPath: "/nonexistent.key")
            },
            responder: testRouter())
        #expect {
            try server.start()
        } throws: { error in
            guard case HTTPServerError.tlsConfigurationFailed(let reason) = error else { return false }
            return reason.contains("/nonexistent.pem")
        }
    }
}
