import Foundation
import GRDB
import HotlineCore

extension TicketStore {
    /// How long an import may stay open before it is discarded.
    public static let importLifetime: TimeInterval = 86400

    /// Stages `drafts` for the import `id` (a new one when nil) that `uid` runs; returns the
    /// import's id and how many entries it holds now. Staged entries are checked and indexed
    /// already, so that the commit only moves rows. Starting an import discards the imports
    /// left open for longer than ``importLifetime``.
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
                try db.cachedStatement(sql: "DELETE FROM knowledgeImport WHERE startedAt < ?").execute(arguments: [
                    now.addingTimeInterval(-Self.importLifetime).millis
                ])
                importID = "I" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
                staged = 0
                try db.cachedStatement(sql: "INSERT INTO knowledgeImport (id, startedAt, uid) VALUES (?, ?, ?)")
                    .execute(
                        arguments: [importID, now.millis, Int64(uid)]
                    )
            }
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO knowledgeStaged (importId, n, title, body, category, keywords, validUntil, tokens)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
            for draft in drafts {
                staged += 1
                let entry = draft.entry(id: "", by: uid, at: now)
                try insert.execute(arguments: [
                    importID, staged, draft.title, draft.body, draft.category, Ticket.coUnitsJSON(draft.keywords),
                    draft.validUntil?.millis, SearchTerms.indexText(entry.searchedText),
                ])
            }
            try db.cachedStatement(sql: "UPDATE knowledgeImport SET staged = ? WHERE id = ?").execute(arguments: [
                staged, importID,
            ])
            return (importID, staged)
        }
    }

    /// Adds every entry staged for import `id` in one transaction (ids in the order staged,
    /// each version 1 made by `uid` at `now`) and closes the import; returns how many.
    public func commitImport(_ id: String, by uid: UInt32, at now: Date) async throws -> Int {
        try await committer.write { db in
            let staged = try Self.openImport(id, by: uid, db)
            let base = try Self.nextEntrySeq(db) - 1
            try db.execute(
                sql: """
                    INSERT INTO knowledgeEntry
                      (seq, id, title, body, category, keywords, version, createdAt, updatedAt, updatedBy, retired, validUntil)
                    SELECT :base + n, 'K' || printf('%06d', :base + n), title, body, category, keywords, 1, :now, :now,
                           :uid, 0, validUntil
                    FROM knowledgeStaged WHERE importId = :import ORDER BY n
                    """,
                arguments: ["base": base, "now": now.millis, "uid": Int64(uid), "import": id]
            )
            try db.execute(
                sql: """
                    INSERT INTO knowledgeText (rowid, tokens)
                    SELECT :base + n, tokens FROM knowledgeStaged WHERE importId = :import
                    """,
                arguments: ["base": base, "import": id]
            )
            try db.execute(sql: "DELETE FROM knowledgeStaged WHERE importId = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM knowledgeImport WHERE id = ?", arguments: [id])
            return staged
        }
    }

    /// Discards import `id` and everything staged for it (after a bad entry); nothing
    /// happens when there is no such import.
    public func discardImport(_ id: String) async throws {
        try await committer.write { db in
            try db.cachedStatement(sql: "DELETE FROM knowledgeStaged WHERE importId = ?").execute(arguments: [id])
            try db.cachedStatement(sql: "DELETE FROM knowledgeImport WHERE id = ?").execute(arguments: [id])
        }
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
