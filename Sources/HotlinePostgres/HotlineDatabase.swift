import Foundation
import HotlineCore
import Logging
import NIOSSL
import PostgresNIO

/// The daemon's PostgreSQL database: the connection pool to the server that accepts
/// writes, and the schema's migrations. The pool works while ``run()`` runs (the daemon runs
/// it as a service of its group; tests in a task of their own).
public final class HotlineDatabase: Sendable {
    /// Where the database is.
    public let location: PostgresLocation
    /// The server of `location` the pool connects to.
    public let server: PostgresLocation.Server
    let client: PostgresClient
    let logger: Logger

    /// A pool to `server` (one of `location.servers`), logging in with `password` when the
    /// server asks for one.
    public init(
        location: PostgresLocation,
        server: PostgresLocation.Server? = nil,
        password: String?,
        maximumConnections: Int = 20,
        logger: Logger
    ) throws {
        self.location = location
        let server = server ?? location.servers[0]
        self.server = server
        self.logger = logger
        var configuration: PostgresClient.Configuration
        if let socket = server.socketPath {
            configuration = .init(
                unixSocketPath: socket,
                username: location.user,
                password: password,
                database: location.database
            )
        } else {
            configuration = .init(
                host: server.host,
                port: server.port,
                username: location.user,
                password: password,
                database: location.database,
                tls: try Self.tls(location.tls, host: server.host)
            )
        }
        configuration.options.connectTimeout = .seconds(Int64(location.connectTimeout))
        configuration.options.maximumConnections = maximumConnections
        // Every commit waits for the server's disk, whatever the server's own default. No
        // query of the daemon's is long enough for JIT compilation to pay: it took 40-200 ms
        // of a month's figures.
        configuration.options.additionalStartupParameters = [
            ("application_name", location.applicationName), ("synchronous_commit", "on"), ("jit", "off"),
        ]
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    /// The first server of `location` that accepts writes (libpq's
    /// `target_session_attrs=read-write`): each is asked `pg_is_in_recovery()` in turn, a
    /// standby or an unreachable server passed over, each connection attempt bounded by the
    /// URL's `connect_timeout`. Throws ``PrimaryNotFound`` with what each server answered.
    public static func primary(
        of location: PostgresLocation,
        password: String?,
        logger: Logger
    ) async throws -> PostgresLocation.Server {
        var problems: [String] = []
        for (index, server) in location.servers.enumerated() {
            do {
                var configuration: PostgresConnection.Configuration
                if let socket = server.socketPath {
                    configuration = .init(
                        unixSocketPath: socket,
                        username: location.user,
                        password: password,
                        database: location.database
                    )
                } else {
                    configuration = .init(
                        host: server.host,
                        port: server.port,
                        username: location.user,
                        password: password,
                        database: location.database,
                        tls: try Self.connectionTLS(location.tls, host: server.host)
                    )
                }
                configuration.options.connectTimeout = .seconds(Int64(location.connectTimeout))
                let connection = try await PostgresConnection.connect(
                    configuration: configuration,
                    id: index,
                    logger: logger
                )
                defer { Task { try? await connection.close() } }
                let rows = try await connection.query("SELECT pg_is_in_recovery()", logger: logger)
                for try await standby in rows.decode(Bool.self) where !standby { return server }
                problems.append("\(server.description) is a standby")
            } catch {
                problems.append("\(server.description): \(String(reflecting: error).prefix(200))")
            }
        }
        throw PrimaryNotFound(problems: problems)
    }

    /// None of the servers accepts writes.
    public struct PrimaryNotFound: Error, Sendable, CustomStringConvertible {
        /// What each server answered.
        public var problems: [String]

        /// The sentence.
        public var description: String {
            "no server of the database URL accepts writes (" + problems.joined(separator: "; ") + ")"
        }
    }

    /// libpq's `sslmode` as one connection's TLS (the same policy as ``tls(_:host:)`` for the
    /// pool).
    static func connectionTLS(
        _ mode: PostgresLocation.TLSMode,
        host: String
    ) throws -> PostgresConnection.Configuration.TLS {
        guard let policy = tlsPolicy(mode) else { return .disable }
        let context = try NIOSSLContext(configuration: policy.configuration)
        return policy.required ? .require(context) : .prefer(context)
    }

    /// Runs the pool until the task is cancelled.
    public func run() async {
        let (stream, continuation) = runs
        _ = stream
        continuation.yield()
        continuation.finish()
        await client.run()
    }

    /// Returns once ``run()`` has begun (calls before that would wait for it, and the pool
    /// logs a warning for each).
    public func started() async {
        for await _ in runs.stream { break }
        await Task.yield()
    }

    private let runs = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))

    /// libpq's `sslmode` as postgres-nio's TLS for the pool (``tlsPolicy(_:)``).
    static func tls(_ mode: PostgresLocation.TLSMode, host: String) throws -> PostgresClient.Configuration.TLS {
        guard let policy = tlsPolicy(mode) else { return .disable }
        return policy.required ? .require(policy.configuration) : .prefer(policy.configuration)
    }

    /// libpq's `sslmode` as a TLS configuration and whether TLS is required (nil: no TLS):
    /// `allow` and `prefer` try TLS and go on without it, `require` insists without checking
    /// the certificate, `verify-ca` checks the chain, `verify-full` also the host name.
    static func tlsPolicy(_ mode: PostgresLocation.TLSMode) -> (configuration: TLSConfiguration, required: Bool)? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case .disable:
            return nil
        case .allow, .prefer:
            configuration.certificateVerification = .none
            return (configuration, false)
        case .require:
            configuration.certificateVerification = .none
            return (configuration, true)
        case .verifyCA:
            configuration.certificateVerification = .noHostnameVerification
            return (configuration, true)
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
            return (configuration, true)
        }
    }

    // MARK: Migrations

    /// Applies the migrations this database lacks, each in a transaction of its own that
    /// holds the migration lock, so that daemons starting together apply each once. Returns
    /// the names applied now.
    @discardableResult
    public func migrate() async throws -> [String] {
        var applied: [String] = []
        for migration in PostgresSchema.migrations {
            let ran = try await client.withTransaction(logger: logger) { connection -> Bool in
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))",
                    logger: logger
                )
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS hotline_migration (
                        name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """,
                    logger: logger
                )
                let done = try await connection.query(
                    "SELECT 1 FROM hotline_migration WHERE name = \(migration.name)",
                    logger: logger
                )
                for try await _ in done { return false }
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO hotline_migration (name) VALUES (\(migration.name))",
                    logger: logger
                )
                return true
            }
            if ran { applied.append(migration.name) }
        }
        return applied
    }

    /// The names of the applied migrations, in the order applied.
    public func appliedMigrations() async throws -> [String] {
        let rows = try await client.query(
            "SELECT name FROM hotline_migration ORDER BY applied_at, name",
            logger: logger
        )
        var names: [String] = []
        for try await name in rows.decode(String.self) { names.append(name) }
        return names
    }
}
