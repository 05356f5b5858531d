// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "hotline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hotlined", targets: ["hotlined"]),
        .executable(name: "hotlinectl", targets: ["hotlinectl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        .target(name: "HotlineCore", swiftSettings: strict),
        .target(name: "HotlineStore", dependencies: ["HotlineCore"], swiftSettings: strict),
        .target(
            name: "HotlinePostgres",
            dependencies: [
                "HotlineCore", "HotlineStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "HotlineSQLite",
            dependencies: [
                "HotlineCore", "HotlineStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "HotlineTransfer",
            dependencies: ["HotlineCore", "HotlineStore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "Varlink",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .target(
            name: "HotlineSystemd",
            dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(name: "HotlineProtocol", dependencies: ["HotlineCore", "Varlink"], swiftSettings: strict),
        .target(
            name: "HotlineDaemon",
            dependencies: [
                "HotlineCore", "HotlineStore", "Varlink", "HotlineProtocol", "HotlineSystemd",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "hotlined",
            dependencies: [
                "HotlineDaemon", "HotlineCore", "HotlineStore", "HotlineSQLite", "HotlinePostgres", "HotlineSystemd",
                "HotlineTransfer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(name: "HotlineClient", dependencies: ["HotlineCore", "Varlink"], swiftSettings: strict),
        .executableTarget(
            name: "hotlinectl",
            dependencies: [
                "Varlink", "HotlineClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "hotline-bench-sla",
            dependencies: [
                "HotlineBenchmarking", "HotlineCore", "HotlineStore", "HotlineSQLite", "HotlinePostgres", "Varlink",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "hotline-bench-backup",
            dependencies: [
                "HotlineBenchmarking", "Varlink",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "HotlineBenchmarking",
            dependencies: [
                "HotlineSQLite", "HotlineCore", "HotlineStore", "Varlink",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "hotline-bench-knowledge",
            dependencies: [
                "HotlineBenchmarking", "Varlink",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "hotline-bench-search",
            dependencies: [
                "HotlineBenchmarking", "HotlineCore", "HotlineStore", "HotlineSQLite", "Varlink",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "hotline-bench",
            dependencies: [
                "HotlineBenchmarking",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "hotline-fuzz",
            dependencies: [
                "Varlink", "HotlineProtocol", "HotlineCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(name: "HotlineTesting", dependencies: ["Varlink"], swiftSettings: strict),
        .testTarget(name: "HotlineCoreTests", dependencies: ["HotlineCore"], swiftSettings: strict),
        .testTarget(
            name: "HotlineClientTests",
            dependencies: ["HotlineClient", "HotlineTesting", "Varlink"],
            exclude: ["Golden"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HotlinePostgresTests",
            dependencies: [
                "HotlinePostgres", "HotlineCore", "HotlineTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HotlineSQLiteTests",
            dependencies: ["HotlineSQLite", "HotlineStore", "HotlineCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HotlineStoreTests",
            dependencies: [
                "HotlineStore", "HotlineSQLite", "HotlinePostgres", "HotlineCore", "HotlineTesting", "HotlineTransfer",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "VarlinkTests",
            dependencies: [
                "Varlink", "HotlineProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HotlineDaemonTests",
            dependencies: [
                "HotlineDaemon", "HotlineCore", "HotlineStore", "HotlineSystemd", "HotlineTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LiveTests",
            dependencies: ["HotlineTesting", "Varlink", "HotlineProtocol"],
            swiftSettings: strict
        ),
    ]
)
