import Foundation
import HTTP
import Testing
@testable import Service

/// api/openapi.yaml is the contract: the router serves exactly its (method, template) pairs.
struct ContractTests {
    static let specURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("api/openapi.yaml")

    /// The (METHOD, /path) pairs under `paths:`.
    static func specOperations() throws -> Set<String> {
        Set(try specOperationLines().keys)
    }

    /// Each operation under `paths:`, as `METHOD /path`, with the lines of its body. Paths sit at
    /// two spaces of indentation and operations at four, which is all of YAML this file's layout
    /// uses there.
    static func specOperationLines() throws -> [String: [Substring]] {
        let text = try String(contentsOf: specURL, encoding: .utf8)
        var operations: [String: [Substring]] = [:]
        var inPaths = false
        var path: String?
        var operation: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if !line.isEmpty, !line.hasPrefix(" ") { break }  // the next top-level key
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
                operation = nil
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast()
                operation = ["get", "put", "post", "patch", "delete"].contains(String(method)) ? "\(method.uppercased()) \(path)" : nil
                if let operation { operations[operation] = [] }
            } else if let operation {
                operations[operation, default: []].append(line)
            }
        }
        return operations
    }

    @Test func routerRoutesEqualTheSpecsOperations() async throws {
        let harness = await ServiceHarness()
        let routed = Set(harness.router.routes.map { "\($0.method.rawValue) \($0.template)" })
        let specified = try Self.specOperations()
        #expect(specified.count >= 16)
        #expect(routed.subtracting(specified).isEmpty, "served but not in the spec: \(routed.subtracting(specified).sorted())")
        #expect(specified.subtracting(routed).isEmpty, "in the spec but not served: \(specified.subtracting(routed).sorted())")
    }
}
