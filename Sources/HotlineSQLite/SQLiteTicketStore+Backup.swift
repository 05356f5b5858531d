import Foundation
import GRDB
import HotlineStore

extension SQLiteTicketStore: StoreBackup {
    /// The SQLite file copies itself.
    public var backup: (any StoreBackup)? { self }

    /// Pages the online backup copies per step (1 MiB of 4 KiB pages), each step then synced.
    static let backupPagesPerStep: CInt = 256

    /// Copies the database with SQLite's online backup from one read transaction of a
    /// read-only connection of its own, on a low-priority thread (``LowPriority``): the copy is
    /// the database as of that transaction's start, the writer goes on committing meanwhile
    /// (WAL), and nothing restarts the copy. The copy is written without a
    /// journal (a half-written copy is thrown away, never used) and synced after each step of
    /// 1 MiB: a copy of a large database synced only at its end leaves the disk a second or
    /// more of writing-back to do at once, and every commit's own sync waits behind it.
    ///
    /// While it runs the log cannot start over past the reader's snapshot, so the WAL grows by
    /// what is committed meanwhile; the checkpoint thread catches up once it is done.
    public func writeCopy(to path: String) async throws -> Int {
        for leftover in [path, path + "-journal", path + "-wal", path + "-shm"] {
            try? FileManager.default.removeItem(atPath: leftover)
        }
        let path = path
        let database = self.path
        return try await LowPriority.run {
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = OFF")
                try db.execute(sql: "PRAGMA synchronous = OFF")
            }
            let copy = try DatabaseQueue(path: path, configuration: configuration)
            // The copy's file, for syncing it as it grows.
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            defer { close(fd) }
            // A read-only connection of its own, on this thread.
            var reading = Configuration()
            reading.readonly = true
            reading.busyMode = .timeout(10)
            let source = try DatabaseQueue(path: database, configuration: reading)
            let tickets = try source.read { source in
                // The first read fixes the snapshot that the backup then copies, page by page.
                let tickets = try Int.fetchOne(source, sql: "SELECT count(*) FROM ticket") ?? 0
                try copy.writeWithoutTransaction { destination in
                    try source.backup(to: destination, pagesPerStep: Self.backupPagesPerStep) { _ in
                        guard fdatasync(fd) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                    }
                }
                return tickets
            }
            try source.close()
            try copy.close()
            guard fsync(fd) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            return tickets
        }
    }
}
