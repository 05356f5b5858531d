/// Copies of the database that the store writes itself (contract §12): the SQLite file. A
/// PostgreSQL database has none: its backups are the server's own (pg_basebackup, pg_dump).
public protocol StoreBackup: Sendable {
    /// Writes a consistent copy of the database as it is now into the new file `path` and
    /// syncs it to disk, while every other call goes on; returns how many tickets the copy
    /// holds. A file already at `path` is replaced.
    func writeCopy(to path: String) async throws -> Int
}
