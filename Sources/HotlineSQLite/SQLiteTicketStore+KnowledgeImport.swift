import Foundation
import GRDB
import HotlineCore
import HotlineStore

extension SQLiteTicketStore {
    /// How long an import may stay open before it is discarded.
    public static let importLifetime: TimeInterval = 86400

    /// Writes `drafts` as entries of the import `id` (a new one when nil) that `uid` runs, each
    /// indexed for search, and returns the import's id and how many entries it holds now.
    /// They stay out of the knowledge base (Get, Search and citations do not see them) until
    /// ``commitImport(_:by:)``. Starting an import discards those left open for longer than
    /// ``importLifetime`` (a client that died half-way).
    public func stageImport(
        _ id: String?,
        _ drafts: [KnowledgeDraft],
        by uid: UInt32,
        at now: Date
    ) async throws -> (id: String, staged: Int) {
        try await committer.write { db in
            let importID: String
            var staged: Int
            if let id {
                staged = try Self.openImport(id, by: uid, db)
                importID = id
            } else {
                let stale = try String.fetchAll(
                    db.cachedStatement(sql: "SELECT id FROM knowledgeImport WHERE startedAt < ?"),
                    arguments: [now.addingTimeInterval(-Self.importLifetime).millis]
                )
                for old in stale { try Self.removeImport(old, db) }
                importID = "I" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
                staged = 0
                try db.cachedStatement(sql: "INSERT INTO knowledgeImport (id, startedAt, uid) VALUES (?, ?, ?)")
                    .execute(
                        arguments: [importID, now.millis, Int64(uid)]
                    )
            }
            var seq = try Self.nextEntrySeq(db)
            for draft in drafts {
                let entry = draft.entry(id: ReadableIDs.entry(seq), by: uid, at: now)
                try Self.insertEntry(entry, seq: seq, importID: importID, db)
                seq += 1
            }
            staged += drafts.count
            try db.cachedStatement(sql: "UPDATE knowledgeImport SET staged = ? WHERE id = ?").execute(arguments: [
                staged, importID,
            ])
            return (importID, staged)
        }
    }

    /// Puts every entry of import `id` into the knowledge base at once, by closing the import
    /// (one row: the entries are written already), and returns how many it added.
    public func commitImport(_ id: String, by uid: UInt32) async throws -> Int {
        try await committer.write { db in
            let staged = try Self.openImport(id, by: uid, db)
            try db.cachedStatement(sql: "DELETE FROM knowledgeImport WHERE id = ?").execute(arguments: [id])
            return staged
        }
    }

    /// Discards import `id` and every entry it wrote (after a bad entry); nothing happens when
    /// there is no such open import.
    public func discardImport(_ id: String) async throws {
        try await committer.write { db in try Self.removeImport(id, db) }
    }

    /// Deletes the entries of the open import `id`, their search tokens, then the import.
    private static func removeImport(_ id: String, _ db: Database) throws {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT e.seq, \(KnowledgeEntry.selectedColumns("e")) FROM knowledgeEntry e WHERE e.importId = ?"
            ),
            arguments: [id]
        )
        for row in rows {
            let seq: Int64 = row[0]
            try deleteTokens(of: KnowledgeEntry(row: row, startingAt: 1), seq: seq, db)
        }
        try db.cachedStatement(sql: "DELETE FROM knowledgeEntry WHERE importId = ?").execute(arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM knowledgeImport WHERE id = ?").execute(arguments: [id])
    }

    /// How many entries import `id` of `uid` holds; `noSuchImport` when it is not open for them.
    private static func openImport(_ id: String, by uid: UInt32, _ db: Database) throws -> Int {
        guard
            let staged = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT staged FROM knowledgeImport WHERE id = ? AND uid = ?"),
                arguments: [id, Int64(uid)]
            )
        else { throw HotlineError.noSuchImport(id: id) }
        return staged
    }
}
