import Foundation
import HotlineCore
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// The daemon's PostgreSQL database: the connection pool to the server that accepts
/// writes, and the schema's migrations. The pool works while ``run()`` runs (the daemon runs
/// it as a service of its group; tests in a task of their own).
///
/// With several servers in the URL the primary may move (the old one fails and a standby
/// is promoted): while ``run()`` runs, the server in use is asked every
/// ``primaryCheckInterval`` whether it still accepts writes, and when it does not (or does
/// not answer) the servers are asked in turn; the first that accepts writes gets a new pool,
/// new calls go there, and the old pool is closed a minute later.
public final class HotlineDatabase: Sendable {
    /// Where the database is.
    public let location: PostgresLocation
    let logger: Logger
    private let password: String?
    private let maximumConnections: Int
    private let current: Mutex<Pool>
    /// Pools made after the first, for ``run()`` to run.
    private let replacements = AsyncStream<Pool>.makeStream()

    /// How often the server in use is asked whether it still accepts writes (with several
    /// servers in the URL).
    public static let primaryCheckInterval: Duration = .seconds(2)

    /// One server's pool, and the signal that retires it.
    private struct Pool: Sendable {
        var server: PostgresLocation.Server
        var client: PostgresClient
        var retired: AsyncStream<Void>
        var retire: AsyncStream<Void>.Continuation
    }

    /// The server the pool connects to now.
    public var server: PostgresLocation.Server { current.withLock { $0.server } }

    /// The pool of the server in use.
    var client: PostgresClient { current.withLock { $0.client } }

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
        self.logger = logger
        self.password = password
        self.maximumConnections = maximumConnections
        let server = server ?? location.servers[0]
        current = Mutex(
            try Self.pool(
                server,
                location: location,
                password: password,
                maximumConnections: maximumConnections,
                logger: logger
            )
        )
    }

    /// A new pool to `server`.
    private static func pool(
        _ server: PostgresLocation.Server,
        location: PostgresLocation,
        password: String?,
        maximumConnections: Int,
        logger: Logger
    ) throws -> Pool {
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
        let (retired, retire) = AsyncStream<Void>.makeStream()
        return Pool(
            server: server,
            client: PostgresClient(configuration: configuration, backgroundLogger: logger),
            retired: retired,
            retire: retire
        )
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
        for server in location.servers {
            do {
                if try await acceptsWrites(server, of: location, password: password, logger: logger) { return server }
                problems.append("\(server.description) is a standby")
            } catch {
                problems.append("\(server.description): \(String(reflecting: error).prefix(200))")
            }
        }
        throw PrimaryNotFound(problems: problems)
    }

    /// Whether `server` accepts writes (`pg_is_in_recovery()` is false), asked on a connection
    /// of its own bounded by the URL's `connect_timeout`; throws when it cannot be asked.
    static func acceptsWrites(
        _ server: PostgresLocation.Server,
        of location: PostgresLocation,
        password: String?,
        logger: Logger
    ) async throws -> Bool {
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
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        defer { Task { try? await connection.close() } }
        let rows = try await connection.query("SELECT pg_is_in_recovery()", logger: logger)
        for try await standby in rows.decode(Bool.self) { return !standby }
        return false
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

    /// Runs the pool until the task is cancelled, and with several servers in the URL
    /// follows the primary when it moves.
    public func run() async {
        let (stream, continuation) = runs
        _ = stream
        continuation.yield()
        continuation.finish()
        let first = current.withLock { $0 }
        await withDiscardingTaskGroup { group in
            group.addTask { await Self.run(first) }
            if location.servers.count > 1 {
                group.addTask { await self.followPrimary() }
            }
            for await pool in replacements.stream {
                group.addTask { await Self.run(pool) }
            }
            group.cancelAll()
        }
    }

    /// How long a retired pool keeps running: a call that took it just before the move still
    /// gets its answer or its bounded failure (a pool whose run has ended never answers a
    /// request, not even its cancellation).
    static let retirementGrace: Duration = .seconds(60)

    /// Runs `pool` until ``retirementGrace`` after it is retired, or until the task is
    /// cancelled.
    private static func run(_ pool: Pool) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await pool.client.run() }
            group.addTask {
                for await _ in pool.retired {}
                try? await Task.sleep(for: retirementGrace)
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// Asks the server in use every ``primaryCheckInterval`` whether it still accepts
    /// writes; when not, moves the pool to the first server that does.
    private func followPrimary() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.primaryCheckInterval)
            guard !Task.isCancelled else { return }
            let inUse = current.withLock { $0.server }
            if (try? await Self.acceptsWrites(inUse, of: location, password: password, logger: logger)) == true {
                continue
            }
            guard let found = try? await Self.primary(of: location, password: password, logger: logger),
                found != inUse
            else { continue }
            do {
                let next = try Self.pool(
                    found,
                    location: location,
                    password: password,
                    maximumConnections: maximumConnections,
                    logger: logger
                )
                let old = current.withLock { pool in
                    defer { pool = next }
                    return pool
                }
                replacements.continuation.yield(next)
                old.retire.finish()
                logger.notice(
                    "the database's primary moved: new calls go to \(found.description), not \(inUse.description)",
                    metadata: ["server": "\(found.description)", "previous": "\(inUse.description)"]
                )
            } catch {
                logger.error("cannot make a pool for the new primary \(found.description): \(error)")
            }
        }
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
