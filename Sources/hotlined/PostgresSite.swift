import HotlineCore
import HotlinePostgres
import Logging

/// A PostgreSQL database opened for the daemon or a transfer.
enum PostgresSite {
    /// Finds the primary among `location`'s servers, starts a pool on it (run by `pool`,
    /// which must outlive every use of `store`), and applies the migrations the database
    /// lacks. On failure nothing is left running.
    static func open(
        _ location: PostgresLocation,
        password: String?,
        logger: Logger
    ) async throws -> (store: PostgresTicketStore, pool: Task<Void, Never>) {
        let server = try await HotlineDatabase.primary(of: location, password: password, logger: logger)
        let database = try HotlineDatabase(location: location, server: server, password: password, logger: logger)
        let pool = Task { await database.run() }
        await database.started()
        do {
            return (try await PostgresTicketStore(database: database), pool)
        } catch {
            pool.cancel()
            throw error
        }
    }
}
