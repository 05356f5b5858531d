import GRDB
import Synchronization

/// The store's reads: through the pool's read-only connections, and once more on fresh ones
/// when a read fails with an I/O error. A reader connection that met a transient I/O error
/// (the log or its index changed under it while the daemon started, a short read) can keep
/// failing until it is reopened; dropping the pool's readers reopens them at the next read.
/// A second failure is the disk's, and is answered as a storage failure.
final class RetryingReader: Sendable {
    private let pool: DatabasePool
    private let retried = Atomic<Int>(0)

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Reads made again on fresh connections so far.
    var retries: Int { retried.load(ordering: .relaxed) }

    /// Runs `body` in a read transaction (a snapshot of the database), again on fresh
    /// connections after an I/O error.
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_IOERR {
            retried.add(1, ordering: .relaxed)
            pool.invalidateReadOnlyConnections()
            return try await pool.read(body)
        }
    }
}
