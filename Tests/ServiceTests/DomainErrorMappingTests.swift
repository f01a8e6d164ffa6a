import Foundation
import HTTP
import JSON
import NeuralNet
import Testing
@testable import Service

/// The one mapping of the service's errors to problems, case by case: every case of every
/// error enum has one sample here, and `expected` switches over each enum without a default,
/// so a new case does not compile until its status and type are written down.
struct DomainErrorMappingTests {
    typealias Expected = (status: Int, slug: String)

    static let modelErrorSamples: [ModelError] = [
        .unknown(name: "m"), .nameTaken(name: "m"), .tooManyModels(limit: 3), .damaged(name: "m", reason: "bad checksum"),
        .preconditionFailed(currentVersion: 4), .notMaterialized(model: "m", path: "0.weight")
    ]

    static func expected(_ error: ModelError) -> Expected {
        switch error {
        case .unknown: (404, "unknown-model")
        case .nameTaken: (409, "name-taken")
        case .tooManyModels: (507, "too-many-models")
        case .damaged: (500, "damaged-model")
        case .preconditionFailed: (412, "precondition-failed")
        case .notMaterialized: (409, "not-materialized")
        }
    }

    static let trainingErrorSamples: [TrainingError] = [
        .nonFiniteLoss(.nan), .nonFiniteGradient(path: "0.weight"), .lossDiverged(loss: .infinity, epoch: 2, step: 7),
        .nonFiniteWeight(path: "0.bias"), .changedDuringTraining(trained: 3, current: 5)
    ]

    static func expected(_ error: TrainingError) -> Expected {
        switch error {
        case .nonFiniteLoss, .nonFiniteGradient, .lossDiverged, .nonFiniteWeight: (422, "non-finite")
        case .changedDuringTraining: (409, "changed-during-training")
        }
    }

    static let accessRefusalSamples: [AccessRefusal] = [
        .noToken, .invalidToken, .insufficientScope(.write, method: "DELETE", route: "/v1/models/a")
    ]

    static func expected(_ refusal: AccessRefusal) -> Expected {
        switch refusal {
        case .noToken, .invalidToken: (401, "unauthorized")
        case .insufficientScope: (403, "insufficient-scope")
        }
    }

    static let routeErrorSamples: [RouteError] = [
        .noRoute(method: "GET", path: "/nowhere"), .methodNotAllowed(method: "PUT", allowed: ["GET", "DELETE"]), .notReady,
        .noAsset(name: "x.js")
    ]

    static func expected(_ error: RouteError) -> Expected {
        switch error {
        case .noRoute: (404, "no-route")
        case .methodNotAllowed: (405, "method-not-allowed")
        case .notReady: (503, "not-ready")
        case .noAsset: (404, "no-asset")
        }
    }

    static let storeErrorSamples: [ModelStoreError] = [
        .notFound(model: "m"), .alreadyExists(model: "m"), .versionConflict(model: "m", expected: 1, found: 2), .full("ENOSPC"),
        .failure("EIO"), .unavailable("connection refused"), .damaged(model: "m", reason: "bad checksum")
    ]

    static func expected(_ error: ModelStoreError) -> Expected {
        switch error {
        case .notFound: (404, "unknown-model")
        case .alreadyExists: (409, "name-taken")
        case .versionConflict: (409, "changed-elsewhere")
        case .full, .failure: (507, "storage-failure")
        case .unavailable: (503, "store-unavailable")
        case .damaged: (500, "damaged-model")
        }
    }

    static func check(_ error: any Error, _ expected: Expected) {
        let problem = Problem(error)
        #expect(problem.status == expected.status, "\(error)")
        #expect(problem.slug == expected.slug, "\(error)")
        #expect(!problem.detail.isEmpty, "\(error)")
    }

    @Test(arguments: modelErrorSamples) func modelErrors(_ error: ModelError) { Self.check(error, Self.expected(error)) }
    @Test(arguments: trainingErrorSamples) func trainingErrors(_ error: TrainingError) { Self.check(error, Self.expected(error)) }
    @Test(arguments: accessRefusalSamples) func accessRefusals(_ error: AccessRefusal) { Self.check(error, Self.expected(error)) }
    @Test(arguments: routeErrorSamples) func routeErrors(_ error: RouteError) { Self.check(error, Self.expected(error)) }
    @Test(arguments: storeErrorSamples) func storeErrors(_ error: ModelStoreError) { Self.check(error, Self.expected(error)) }

    @Test func aStateDictMismatchIsA422ListingTheKeys() {
        let load = StateDictLoad(loadedKeys: [], missingKeys: ["0.bias"], unexpectedKeys: ["9.weight"], mismatched: [])
        let problem = Problem(StateDictMismatchError(load: load))
        #expect(problem.status == 422)
        #expect(problem.slug == "state-dict-mismatch")
        #expect(problem.extensions["missing_keys"] == .array([.string("0.bias")]))
        #expect(problem.extensions["unexpected_keys"] == .array([.string("9.weight")]))
    }

    @Test func aStalePreconditionCarriesTheCurrentTag() {
        let problem = Problem(ModelError.preconditionFailed(currentVersion: 4))
        #expect(problem.headers.first?.name == "ETag")
        #expect(problem.headers.first?.value == "\"4\"")
    }

    @Test func theChallengeNamesTheSchemeAndSaysWhetherATokenWasSent() {
        let missing = Problem(AccessRefusal.noToken)
        #expect(missing.headers.first?.name == "WWW-Authenticate")
        #expect(missing.headers.first?.value == #"Bearer realm="paramd""#)
        #expect(Problem(AccessRefusal.invalidToken).headers.first?.value.contains("invalid_token") == true)
    }

    @Test func forbiddenNamesTheMissingScopeInTheProblemAndTheChallenge() {
        let problem = Problem(AccessRefusal.insufficientScope(.write, method: "DELETE", route: "/v1/models/a"))
        #expect(problem.detail.contains("\"write\""))
        #expect(problem.extensions["required_scope"] == .string("write"))
        #expect(problem.headers.first?.value == #"Bearer realm="paramd", error="insufficient_scope", scope="write""#)
    }

    @Test func theInferenceProtocolAnswersEveryRefusalWith400ButAnUnknownVersion() {
        #expect(InferenceErrorBody.response(for: InferenceProtocolError.headerLengthZero).status.code == 400)
        let unknownVersion = InferenceProtocolError.unknownVersion(model: "m", requested: "2", current: 1)
        #expect(InferenceErrorBody.response(for: unknownVersion).status.code == 404)
        #expect(InferenceErrorBody.response(for: TrainingError.nonFiniteLoss(.nan)).status.code == 400, "422 has no place on /v2")
    }

    /// Statuses are chosen in the mapping files alone: a status literal or a hand-built
    /// `Problem(status:` anywhere else in the service's sources fails here, and the model
    /// layer (registry, owners, stores, replication) does not mention problems at all.
    @Test func noHTTPStatusOutsideTheMapping() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/Service")
            .standardizedFileURL
        let mappingFiles: Set<String> = [
            "Problem.swift", "Problem+Mapping.swift", "Problem+Store.swift", "Problem+Domain.swift", "InferenceErrorBody.swift"
        ]
        let domain = ["Store/", "Storage/", "Postgres/", "Replication/", "ModelOwner", "ModelRegistry", "ModelState", "FileModelStore"]
        let status = try Regex(#"status: *[1-5][0-9][0-9]\b|HTTPStatus\(code: *[0-9]|Problem\(\s*status:"#)
        var files = 0
        for case let url as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        where url.pathExtension == "swift" {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
            let source = try String(contentsOf: url, encoding: .utf8)
            files += 1
            if !mappingFiles.contains(url.lastPathComponent) {
                #expect(source.firstMatch(of: status) == nil, "\(relative) chooses an HTTP status")
            }
            if domain.contains(where: { relative.hasPrefix($0) }) {
                let code = source.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
                #expect(!code.contains { $0.contains("Problem") }, "\(relative) is model code and builds a problem")
            }
        }
        #expect(files > 50, "the scan found the sources")
    }
}
