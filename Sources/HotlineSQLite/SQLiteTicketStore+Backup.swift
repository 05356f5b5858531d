import Foundation
import GRDB
import HotlineStore

extension SQLiteTicketStore: StoreBackup {
    /// The SQLite file copies itself.
    public var backup: (any StoreBackup)? { self }

    /// Pages the online backup copies per step (16 MiB of 4 KiB pages).
    static let backupPagesPerStep: CInt = 4096

    /// Copies the database with SQLite's online backup from one read transaction of a pool
    /// reader: the copy is the database as of that transaction's start, the writer goes on
    /// committing meanwhile (WAL), and nothing restarts the copy. The copy is written without a
    /// journal (a half-written copy is thrown away, never used) and synced at the end.
    ///
    /// While it runs the log cannot start over past the reader's snapshot, so the WAL grows by
    /// what is committed meanwhile; the checkpoint thread catches up once it is done.
    public func writeCopy(to path: String) async throws -> Int {
        for leftover in [path, path + "-journal", path + "-wal", path + "-shm"] {
            try? FileManager.default.removeItem(atPath: leftover)
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF")
            try db.execute(sql: "PRAGMA synchronous = OFF")
        }
        let copy = try DatabaseQueue(path: path, configuration: configuration)
        let tickets = try await reader.read { source in
            // The first read fixes the snapshot that the backup then copies, page by page.
            let tickets = try Int.fetchOne(source, sql: "SELECT count(*) FROM ticket") ?? 0
            try copy.writeWithoutTransaction { destination in
                try source.backup(to: destination, pagesPerStep: Self.backupPagesPerStep)
            }
            return tickets
        }
        try copy.close()
        try Self.sync(path)
        return tickets
    }

    /// `fsync`s the file at `path`.
    static func sync(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}
