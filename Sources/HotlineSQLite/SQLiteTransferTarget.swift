import Foundation
import GRDB
import HotlineCore
import HotlineStore

/// An SQLite file a transfer copies a site into. The copy is written into a file of its own
/// beside the target (`PATH.partial-transfer`), read back and verified there, and only then
/// renamed into the target's place: a transfer that fails or is killed at any point leaves
/// the target as it was (missing, or empty) and at most that partial file, which the next
/// transfer replaces.
public struct SQLiteTransferTarget: TransferTarget {
    /// The target's path.
    public let path: String

    /// A target at `path`: a file that does not exist yet, or a hotline database holding nothing.
    public init(path: String) {
        self.path = path
    }

    /// Where the copy is written before it takes the target's place.
    public var partialPath: String { path + ".partial-transfer" }

    /// Refuses a file that holds tickets or knowledge-base entries, or is no hotline database.
    public func checkEmpty() async throws {
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder, isDirectory: &isFolder),
            isFolder.boolValue
        else {
            throw TransferError.unusable(database: path, reason: "its folder \(folder) does not exist")
        }
        guard FileManager.default.fileExists(atPath: path) else { return }
        let contents: TransferContents
        do {
            contents = try await SQLiteTicketStore(path: path).transferContents()
        } catch {
            throw TransferError.unusable(database: path, reason: "it is not a hotline database (\(error))")
        }
        guard contents.isEmpty else {
            throw TransferError.targetNotEmpty(target: path, holds: contents.described)
        }
    }

    /// Writes the copy into ``partialPath``, builds the figure rollups, verifies it, and
    /// renames it into the target's place.
    public func load(
        _ fill: @escaping @Sendable (any TransferSink) async throws -> Void,
        verify: @escaping @Sendable (any TransferSource) async throws -> Void
    ) async throws {
        Self.removeDatabaseFiles(at: partialPath)
        do {
            try await loadPartial(fill, verify: verify)
            // The store is gone: its last connection closed and took the log with it.
            let log = partialPath + "-wal"
            if let size = (try? FileManager.default.attributesOfItem(atPath: log))?[.size] as? Int, size > 0 {
                throw TransferError.unusable(
                    database: partialPath,
                    reason: "its write-ahead log still holds \(size) bytes after its last connection closed"
                )
            }
            Self.removeDatabaseFiles(at: path)
            guard rename(partialPath, path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw TransferError.unusable(database: path, reason: "cannot rename the copy into place: \(reason)")
            }
            Self.removeDatabaseFiles(at: partialPath)
        } catch {
            Self.removeDatabaseFiles(at: partialPath)
            throw error
        }
    }

    /// Fills, completes and verifies the partial file through a store of its own, which is
    /// released (and so closed) when this returns.
    private func loadPartial(
        _ fill: @escaping @Sendable (any TransferSink) async throws -> Void,
        verify: @escaping @Sendable (any TransferSource) async throws -> Void
    ) async throws {
        let store = try SQLiteTicketStore(path: partialPath)
        // A ticket merged into a later one names a ticket not written yet: the references
        // are checked once all are in.
        try await store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA foreign_keys = OFF") }
        try await fill(SQLiteTransferSink(store: store))
        try await store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA foreign_keys = ON") }
        try await store.writer.write { db in
            if let broken = try Row.fetchOne(db, sql: "PRAGMA foreign_key_check") {
                throw TransferError.unusable(
                    database: partialPath,
                    reason: "a row of \(broken[0] as String? ?? "?") names a row that was not copied"
                )
            }
            try SQLiteTicketStore.rebuildRollup(db)
            try db.execute(sql: "DELETE FROM hotspotHour")
            try db.execute(sql: Schema.hotspotFill)
        }
        try await store.analyze()
        try await verify(store)
        try store.checkpoint()
    }

    /// Removes a database file and its log and shared-memory files, where there are any.
    private static func removeDatabaseFiles(at path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}

/// Writes a transfer's records into an SQLite store, one transaction per call, through the
/// same statements the store's own changes use.
struct SQLiteTransferSink: TransferSink {
    let store: SQLiteTicketStore

    func write(_ tickets: [TransferredTicket]) async throws {
        try await store.writer.write { db in
            for transferred in tickets {
                let ticket = transferred.ticket
                try SQLiteTicketStore.insert(ticket, db)
                try SQLiteTicketStore.append(transferred.events, to: ticket.id, db)
                for deadline in transferred.deadlines {
                    try db.cachedStatement(
                        sql: "INSERT INTO deadline (ticketId, kind, startAt, warnAt, dueAt) VALUES (?, ?, ?, ?, ?)"
                    ).execute(arguments: [
                        ticket.id, deadline.kind.rawValue, deadline.startAt.millis, deadline.warnAt.millis,
                        deadline.dueAt.millis,
                    ])
                }
                for check in transferred.checks {
                    let carried = DeadlineCheck(of: ticket, kind: check.kind, stage: check.stage, due: check.dueAt)
                    try db.cachedStatement(sql: SQLiteTicketStore.insertCheckSQL).execute(
                        arguments: StatementArguments(carried.databaseValues(firingAt: check.fireAt.millis))
                    )
                }
            }
        }
    }

    func write(_ imports: [TransferredImport]) async throws {
        try await store.writer.write { db in
            for open in imports {
                try db.execute(
                    sql: "INSERT INTO knowledgeImport (id, startedAt, uid, staged) VALUES (?, ?, ?, ?)",
                    arguments: [open.id, open.startedAt.millis, Int64(open.uid), open.staged]
                )
            }
        }
    }

    func write(_ entries: [TransferredEntry]) async throws {
        try await store.writer.write { db in
            var seq = try SQLiteTicketStore.nextEntrySeq(db)
            for transferred in entries {
                let entry = transferred.entry
                for version in transferred.versions {
                    var values: [DatabaseValue] = [version.entry.id.databaseValue]
                    values += version.entry.contentValues
                    values.append(version.note?.databaseValue ?? .null)
                    values.append(version.entry.uses.databaseValue)
                    try db.cachedStatement(sql: Self.insertVersionSQL).execute(arguments: StatementArguments(values))
                }
                var values: [DatabaseValue] = [seq.databaseValue, entry.id.databaseValue]
                values += entry.contentValues
                values.append(transferred.note?.databaseValue ?? .null)
                values.append(entry.uses.databaseValue)
                values.append(transferred.importID?.databaseValue ?? .null)
                try db.cachedStatement(sql: Self.insertEntrySQL).execute(arguments: StatementArguments(values))
                try SQLiteTicketStore.insertTokens(of: entry, seq: seq, db)
                seq += 1
            }
        }
    }

    /// An entry with every column, its note and count of citations included.
    private static let insertEntrySQL = """
        INSERT INTO knowledgeEntry (seq, id, \(KnowledgeEntry.fields.dropLast().joined(separator: ", ")), note, uses,
                                    importId)
        VALUES (?, ?, \(Array(repeating: "?", count: KnowledgeEntry.fields.count - 1).joined(separator: ", ")), ?, ?, ?)
        """

    /// An earlier version as it was.
    private static let insertVersionSQL = """
        INSERT INTO knowledgeVersion (entryId, \(KnowledgeEntry.fields.dropLast().joined(separator: ", ")), note, uses)
        VALUES (?, \(Array(repeating: "?", count: KnowledgeEntry.fields.count - 1).joined(separator: ", ")), ?, ?)
        """
}
