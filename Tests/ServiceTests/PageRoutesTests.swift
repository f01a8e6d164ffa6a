import Foundation
import HTTP
import Testing
@testable import Service

/// `/` and `/ui/{asset}`: the embedded page, its security headers, and that what is embedded
/// is what ui/ holds.
struct PageRoutesTests {
    static let uiFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("ui")

    @Test func theEmbeddedAssetsAreTheFilesOfUI() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.uiFolder.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(names == PageAssets.embedded.keys.sorted(), "run scripts/embed-ui.py")
        for name in names {
            let text = try String(contentsOf: Self.uiFolder.appendingPathComponent(name), encoding: .utf8)
            #expect(PageAssets.embedded[name] == text, "\(name) changed: run scripts/embed-ui.py")
        }
    }

    @Test func thePageIsServedWithItsSecurityHeaders() async throws {
        let harness = await ServiceHarness(token: "secret")
        let page = try await harness.send(.get, "/")
        #expect(page.status == 200, "the page itself needs no token")
        #expect(page.headers["Content-Type"] == "text/html; charset=utf-8")
        let policy = page.headers["Content-Security-Policy"] ?? ""
        #expect(policy.contains("script-src 'self'") && policy.contains("style-src 'self'") && policy.contains("default-src 'none'"))
        #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
        #expect(page.headers["X-Content-Type-Options"] == "nosniff")
        #expect(page.headers["Referrer-Policy"] == "no-referrer")
        let tag = try #require(page.headers["ETag"])
        let again = try await harness.send(.get, "/", headers: ["If-None-Match": tag])
        #expect(again.status == 304 && again.body.isEmpty && again.headers["ETag"] == tag)
        let script = try await harness.send(.get, "/ui/paramd.js", headers: ["If-None-Match": "\"other\", W/\(tag)"])
        #expect(script.status == 200 && script.headers["Content-Type"] == "text/javascript; charset=utf-8")
        let missing = try await harness.send(.get, "/ui/secrets.txt")
        #expect(missing.status == 404 && missing.problemSlug == "no-asset")
    }

    /// What the policy forbids the page must not need: no inline script or style, no eval, and
    /// no API that parses strings as HTML (every name is inserted as text).
    @Test func thePageNeedsNothingThePolicyForbids() throws {
        let html = try #require(PageAssets.embedded["index.html"])
        #expect(!html.contains("<style") && !html.contains(" style=") && !html.contains("javascript:"))
        let scripts = html.components(separatedBy: "<script").dropFirst()
        #expect(scripts.allSatisfy { $0.hasPrefix(" src=\"/ui/") }, "every script is a file of the page")
        #expect(html.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "no inline event handlers")
        let script = try #require(PageAssets.embedded["paramd.js"])
        for forbidden in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute(\"style"]
        {
            #expect(!script.contains(forbidden), "paramd.js uses \(forbidden)")
        }
        #expect(!html.contains("http://") && !html.contains("https://") && !script.contains("https://"), "nothing from other hosts")
    }
}
