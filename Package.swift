// swift-tools-version:6.2
import PackageDescription

/// Swift 6 mode and strict boundaries, with imports public unless said otherwise: for generated
/// code that writes `import` for what its public API uses (ParamdClient).
let strictSwiftPublicImports: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility")
]

/// Settings every target of ours shares: Swift 6 mode, strict boundaries, internal imports.
let strictSwift: [SwiftSetting] = strictSwiftPublicImports + [.enableUpcomingFeature("InternalImportsByDefault")]

let package = Package(
    name: "paramd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "paramd", targets: ["paramd"]),
        // A typed Swift client, generated from api/openapi.yaml (scripts/generate-client.sh).
        .library(name: "ParamdClient", targets: ["ParamdClient"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-openapi-urlsession", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0")
    ],
    targets: [
        // C kernels with per-function AVX2/FMA targets and runtime dispatch (Sources/Kernels/README.md);
        // always optimized, so `swift test` (a debug build) runs the same fast code as release.
        .target(
            name: "CKernels", exclude: ["README.md"], cSettings: [.unsafeFlags(["-O3", "-fno-math-errno", "-Wall", "-Wextra"])],
            linkerSettings: [.linkedLibrary("m")]),
        .target(name: "Kernels", dependencies: ["CKernels"], exclude: ["README.md"], swiftSettings: strictSwift),
        .target(name: "JSON", dependencies: ["CKernels"], swiftSettings: strictSwift),
        .target(name: "NeuralNet", dependencies: ["Kernels", "JSON"], exclude: ["README.md"], swiftSettings: strictSwift),
        .target(name: "CSystem"),
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
        .target(name: "COpenSSL", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        // PostgreSQL's client library for the replicated store (Sources/CLibPQ/README.md).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "Postgres", dependencies: ["CLibPQ"], exclude: ["README.md"], swiftSettings: strictSwift),
        .target(name: "HTTP", dependencies: ["CSystem", "CZlib", "COpenSSL"], exclude: ["README.md"], swiftSettings: strictSwift),
        .executableTarget(name: "HTTPBenchServer", dependencies: ["HTTP"], path: "bench/http/Server", swiftSettings: strictSwift),
        .executableTarget(
            name: "HTTPParserFuzz", dependencies: ["HTTP", "CSystem"], path: "Fuzz/HTTPParserFuzz", exclude: ["corpus"],
            swiftSettings: strictSwift),
        .target(
            name: "Service",
            dependencies: [
                "NeuralNet", "Kernels", "HTTP", "JSON", "CZlib", "COpenSSL", "Postgres", "CSystem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus")
            ],
            swiftSettings: strictSwift),
        .executableTarget(
            name: "paramd",
            dependencies: [
                "Service",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log")
            ],
            swiftSettings: strictSwift),
        // `swift run -c release kernel-bench`: gemm, MLP, conv2d and LeNet beside numpy and PyTorch.
        .executableTarget(
            name: "kernel-bench", dependencies: ["Kernels", "NeuralNet", "JSON"], path: "bench/KernelBench", swiftSettings: strictSwift),
        // `swift run -c release nn-bench`: Model.forward and trainStep beside the bare kernels.
        .executableTarget(
            name: "nn-bench", dependencies: ["NeuralNet", "Kernels", "JSON"], path: "bench/NNBench", swiftSettings: strictSwift),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels"], swiftSettings: strictSwift),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "Kernels", "JSON"], swiftSettings: strictSwift),
        .testTarget(name: "JSONTests", dependencies: ["JSON"], swiftSettings: strictSwift),
        // Helpers the test suites share (waiting on a condition instead of sleeping).
        .target(name: "TestSupport", dependencies: ["HTTP"], path: "Tests/TestSupport", swiftSettings: strictSwift),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"], swiftSettings: strictSwift),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres"], swiftSettings: strictSwift),
        .testTarget(name: "ServiceTests", dependencies: ["Service", "TestSupport"], swiftSettings: strictSwift),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["Service", "ParamdClient", .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            swiftSettings: strictSwift),
        // The client: Generated/ is swift-openapi-generator's output, committed (scripts/generate-client.sh
        // regenerates it; `--check` in CI fails when api/openapi.yaml moved on without it).
        .target(
            name: "ParamdClient",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIURLSession", package: "swift-openapi-urlsession"),
                .product(name: "HTTPTypes", package: "swift-http-types")
            ],
            exclude: ["openapi-generator-config.yaml", "Generated/openapi.sha256"],
            // Without InternalImportsByDefault: the generated code's imports are public
            // (scripts/generate-client.sh explains why).
            swiftSettings: strictSwiftPublicImports),
        // `swift run paramd-client-example http://127.0.0.1:8080`: the chapter through ParamdClient.
        .executableTarget(
            name: "paramd-client-example",
            dependencies: ["ParamdClient", .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            path: "Examples/ParamdClientExample",
            swiftSettings: strictSwift),
        // JSON parse/write throughput beside Python's orjson and json (bench/JSONBench/README.md).
        .executableTarget(
            name: "JSONBench", dependencies: ["JSON"], path: "bench/JSONBench",
            exclude: ["peer.py", "orjson_payload.py", "payloads.py", "instructions.sh", "README.md"],
            swiftSettings: strictSwift)
    ]
)
