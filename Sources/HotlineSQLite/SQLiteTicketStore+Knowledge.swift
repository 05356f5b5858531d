import Foundation
import GRDB
import HotlineCore
import HotlineStore

extension SQLiteTicketStore {
    // MARK: Changes

    /// Adds an entry as its first version, indexed for search in the same transaction.
    public func addEntry(_ draft: KnowledgeDraft, by uid: UInt32, at now: Date) async throws -> KnowledgeEntry {
        try await committer.write { db in
            let seq = try Self.nextEntrySeq(db)
            let entry = draft.entry(id: ReadableIDs.entry(seq), by: uid, at: now)
            try Self.insertEntry(entry, seq: seq, importID: nil, db)
            return entry
        }
    }

    /// Makes the next version of entry `id` from `edit`, when `version` is its current one
    /// (`staleVersion` otherwise, and nothing changes). The version it replaces is kept.
    public func updateEntry(
        _ id: String,
        version: Int,
        _ edit: KnowledgeEdit,
        by uid: UInt32,
        at now: Date
    ) async throws -> KnowledgeEntry {
        try await committer.write { db in
            let (seq, current) = try Self.currentEntry(id, db)
            guard current.version == version else { throw HotlineError.staleVersion(id: id, version: current.version) }
            let next = current.edited(edit, by: uid, at: now)
            try Self.replace(seq: seq, current, with: next, note: nil, db)
            return next
        }
    }

    /// Retires entry `id` (its next version, with `note`); an entry already retired is
    /// returned as it is, so that a repeated call changes nothing.
    public func retireEntry(_ id: String, note: String, by uid: UInt32, at now: Date) async throws -> KnowledgeEntry {
        try await committer.write { db in
            let (seq, current) = try Self.currentEntry(id, db)
            guard !current.retired else { return current }
            let next = current.retiring(by: uid, at: now)
            try Self.replace(seq: seq, current, with: next, note: note, db)
            return next
        }
    }

    /// Keeps `current` as a version of its own and writes `next` over the entry's row; the
    /// search tokens change with the text.
    private static func replace(
        seq: Int64,
        _ current: KnowledgeEntry,
        with next: KnowledgeEntry,
        note: String?,
        _ db: Database
    ) throws {
        try db.cachedStatement(sql: keepVersionSQL).execute(arguments: [current.id])
        let assignments = KnowledgeEntry.fields.dropLast().map { "\($0) = ?" }.joined(separator: ", ")
        try db.cachedStatement(sql: "UPDATE knowledgeEntry SET \(assignments), note = ? WHERE seq = ?").run(
            next.contentValues + [note?.databaseValue ?? .null, seq.databaseValue]
        )
        if next.searchedText != current.searchedText {
            try deleteTokens(of: current, seq: seq, db)
            try insertTokens(of: next, seq: seq, db)
        }
    }

    /// Writes a new entry and its search tokens; `importID` names the open import it belongs
    /// to, if any.
    static func insertEntry(_ entry: KnowledgeEntry, seq: Int64, importID: String?, _ db: Database) throws {
        try db.cachedStatement(sql: insertEntrySQL).run(
            [seq.databaseValue, entry.id.databaseValue] + entry.contentValues + [importID?.databaseValue ?? .null]
        )
        try insertTokens(of: entry, seq: seq, db)
    }

    /// Adds `entry`'s tokens to both indexes: all its text, and its title alone.
    static func insertTokens(of entry: KnowledgeEntry, seq: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO knowledgeText (rowid, tokens) VALUES (?, ?)").run([
            seq.databaseValue, SearchTerms.indexText(entry.searchedText).databaseValue,
        ])
        try db.cachedStatement(sql: "INSERT INTO knowledgeTitle (rowid, tokens) VALUES (?, ?)").run([
            seq.databaseValue, SearchTerms.indexText([entry.title]).databaseValue,
        ])
    }

    /// Removes `entry`'s tokens from both indexes, computing them again from its text (the
    /// indexes keep no copy), so ``SearchTerms/indexText(_:)`` changes only with a migration.
    static func deleteTokens(of entry: KnowledgeEntry, seq: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO knowledgeText (knowledgeText, rowid, tokens) VALUES ('delete', ?, ?)")
            .run([seq.databaseValue, SearchTerms.indexText(entry.searchedText).databaseValue])
        try db.cachedStatement(
            sql: "INSERT INTO knowledgeTitle (knowledgeTitle, rowid, tokens) VALUES ('delete', ?, ?)"
        ).run([seq.databaseValue, SearchTerms.indexText([entry.title]).databaseValue])
    }

    // MARK: Reading

    /// Entry `id` as it is now, and every version it had before, oldest first.
    public func entry(_ id: String) async throws -> (entry: KnowledgeEntry, versions: [KnowledgeEntry]) {
        try await reader.read { db in
            let (_, current) = try Self.currentEntry(id, db)
            let versions = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(KnowledgeEntry.selectedColumns("v", idColumn: "entryId")) FROM knowledgeVersion v
                        WHERE v.entryId = ? ORDER BY v.version
                        """
                ),
                arguments: [id]
            ).map { KnowledgeEntry(row: $0) }
            return (current, versions)
        }
    }

    /// The entries that hold every word of `query`, best first (contract §10): those whose
    /// title holds every word, then the rest; within each, the most cited first, then the
    /// newest version, then the later added. Retired entries and those past their validity at
    /// `now` are left out unless the query includes them. `total` counts every match.
    ///
    /// Words of two characters without a category are decided by the indexes alone
    /// (``searchEntriesByIndex(_:at:_:)``); anything else reads the candidates' text.
    public func searchEntries(
        _ query: KnowledgeQuery,
        at now: Date
    ) async throws -> (entries: [KnowledgeEntry], total: Int) {
        try await reader.read { db in
            if query.category == nil, query.words.allSatisfy({ $0.unicodeScalars.count == 2 }) {
                return try Self.searchEntriesByIndex(query, at: now, db)
            }
            return try Self.searchEntriesByText(query, at: now, db)
        }
    }

    /// Search where every word has two characters: the total is the index's count less the
    /// entries left out (found through the small `knowledgeEntry_maybeHidden`, and those of an
    /// import still open); the title
    /// group comes from `knowledgeTitle`, the rest from `knowledgeText` without it. Each
    /// group's first page is either sorted from its matches or, when the matches are so many
    /// that the page is met sooner that way, found by walking `knowledgeEntry_rank` in order:
    /// a common word never sorts thousands of entries.
    static func searchEntriesByIndex(
        _ query: KnowledgeQuery,
        at now: Date,
        _ db: Database
    ) throws -> (entries: [KnowledgeEntry], total: Int) {
        let match = SearchTerms.query(words: query.words)
        let shown = query.includeRetired ? inBaseSQL : inForceSQL
        let shownArguments: StatementArguments = query.includeRetired ? [] : [now.millis]
        func count(_ sql: String, _ arguments: StatementArguments) throws -> Int {
            try Int.fetchOne(db.cachedStatement(sql: sql), arguments: arguments) ?? 0
        }
        let all = try count("SELECT count(*) FROM knowledgeText WHERE knowledgeText MATCH ?", [match])
        guard all > 0 else { return ([], 0) }
        // Left out for their state (few: read through their small index, each looked up in
        // the matches), and, while an import is open, its entries among the matches.
        var hidden = try count(
            """
            SELECT count(*) FROM knowledgeEntry e INDEXED BY knowledgeEntry_maybeHidden
            WHERE (e.retired = 1 OR e.validUntil IS NOT NULL) AND NOT (\(shown))
              AND e.seq IN (SELECT rowid FROM knowledgeText WHERE knowledgeText MATCH ?)
            """,
            shownArguments + [match]
        )
        if try count("SELECT count(*) FROM knowledgeImport", []) > 0 {
            hidden += try count(
                """
                SELECT count(*) FROM knowledgeEntry e
                WHERE e.retired = 0 AND e.validUntil IS NULL AND e.importId IN (SELECT id FROM knowledgeImport)
                  AND e.seq IN (SELECT rowid FROM knowledgeText WHERE knowledgeText MATCH ?)
                """,
                [match]
            )
        }
        let inTitle = try count("SELECT count(*) FROM knowledgeTitle WHERE knowledgeTitle MATCH ?", [match])
        let size = try count("SELECT coalesce(max(seq), 0) FROM knowledgeEntry", [])

        func page(
            _ candidates: String,
            _ arguments: StatementArguments,
            matches: Int,
            limit: Int
        ) throws
            -> [KnowledgeEntry]
        {
            guard matches > 0, limit > 0 else { return [] }
            // Walking the rank index meets the page after about limit × size / matches entries;
            // sorting reads every match.
            let walk = Double(matches) * Double(matches) > Double(size) * Double(limit)
            let sql = """
                SELECT \(KnowledgeEntry.selectedColumns("e")) FROM knowledgeEntry e
                \(walk ? "INDEXED BY knowledgeEntry_rank" : "NOT INDEXED")
                WHERE \(candidates) AND \(shown)
                ORDER BY e.uses DESC, e.updatedAt DESC, e.seq DESC LIMIT ?
                """
            return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments + shownArguments + [limit])
                .map { KnowledgeEntry(row: $0) }
        }
        var entries = try page(
            "e.seq IN (SELECT rowid FROM knowledgeTitle WHERE knowledgeTitle MATCH ?)",
            [match],
            matches: inTitle,
            limit: query.limit
        )
        entries += try page(
            """
            e.seq IN (SELECT rowid FROM knowledgeText WHERE knowledgeText MATCH ?)
            AND e.seq NOT IN (SELECT rowid FROM knowledgeTitle WHERE knowledgeTitle MATCH ?)
            """,
            [match, match],
            matches: all - inTitle,
            limit: query.limit - entries.count
        )
        return (entries, all - hidden)
    }

    /// Search with longer words or a category: candidates from `knowledgeText`, each checked
    /// against its text, counted and ranked in one pass over them.
    static func searchEntriesByText(
        _ query: KnowledgeQuery,
        at now: Date,
        _ db: Database
    ) throws -> (entries: [KnowledgeEntry], total: Int) {
        var conditions = ["e.seq IN (SELECT rowid FROM knowledgeText WHERE knowledgeText MATCH ?)"]
        var arguments: StatementArguments = [SearchTerms.query(words: query.words)]
        for word in query.words where word.unicodeScalars.count > 2 {
            conditions.append(Self.textContainsSQL(word, in: Self.entryFields))
            arguments += Self.textContainsArguments(word, in: Self.entryFields)
        }
        if query.includeRetired {
            conditions.append(inBaseSQL)
        } else {
            conditions.append(inForceSQL)
            arguments += [now.millis]
        }
        if let category = query.category {
            conditions.append("e.category = ?")
            arguments += [category]
        }
        var inTitle = StatementArguments()
        for word in query.words { inTitle += Self.textContainsArguments(word, in: ["e.title"]) }
        let titleHoldsAll = query.words.map { Self.textContainsSQL($0, in: ["e.title"]) }
            .joined(separator: " AND ")
        let order = "inTitle DESC, uses DESC, updatedAt DESC, seq DESC"
        let sql = """
            WITH m AS MATERIALIZED (
              SELECT e.seq, e.uses, e.updatedAt, (\(titleHoldsAll)) AS inTitle FROM knowledgeEntry e
              WHERE \(conditions.joined(separator: " AND "))
            )
            SELECT (SELECT count(*) FROM m), \(KnowledgeEntry.selectedColumns("e"))
            FROM (SELECT * FROM m ORDER BY \(order) LIMIT ?) p JOIN knowledgeEntry e ON e.seq = p.seq
            ORDER BY p.inTitle DESC, p.uses DESC, p.updatedAt DESC, p.seq DESC
            """
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: sql),
            arguments: inTitle + arguments + [query.limit]
        )
        let total: Int =
            try rows.first.map { $0[0] }
            ?? Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM knowledgeEntry e WHERE \(conditions.joined(separator: " AND "))",
                arguments: arguments
            ) ?? 0
        return (rows.map { KnowledgeEntry(row: $0, startingAt: 1) }, total)
    }

    /// A condition on `knowledgeEntry e`: not an entry of an import still open.
    static let inBaseSQL = "(e.importId IS NULL OR e.importId NOT IN (SELECT id FROM knowledgeImport))"
    /// A condition on `knowledgeEntry e`, with the present bound: in force (not retired, not
    /// past its validity) and not of an open import.
    static let inForceSQL = "(e.retired = 0 AND (e.validUntil IS NULL OR e.validUntil > ?) AND \(inBaseSQL))"

    /// How many entries the knowledge base holds, and how many of them are in force at `now`.
    public func entryCounts(at now: Date) async throws -> (entries: Int, inForce: Int) {
        try await reader.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*), count(*) FILTER (WHERE \(Self.inForceSQL)) FROM knowledgeEntry e WHERE \(Self.inBaseSQL)
                    """,
                arguments: [now.millis]
            )!
            return (row[0], row[1])
        }
    }

    // MARK: Citations (inside a ticket's transaction)

    /// Refuses citations of entries that do not exist or are not in force at `now`
    /// (`noSuchEntry`, the first such id); writes nothing.
    static func checkEntriesInForce(_ ids: [String], at now: Date, _ db: Database) throws {
        for id in ids {
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT e.retired, e.validUntil FROM knowledgeEntry e WHERE e.id = ? AND \(inBaseSQL)"
                    ),
                    arguments: [id]
                )
            else { throw HotlineError.noSuchEntry(id: id) }
            let retired: Bool = row[0]
            let validUntil: Int64? = row[1]
            if retired || validUntil.map({ $0 <= now.millis }) == true { throw HotlineError.noSuchEntry(id: id) }
        }
    }

    /// Counts one use of each entry cited (each once, however often named).
    static func countUses(of ids: [String], _ db: Database) throws {
        for id in Set(ids) {
            try db.cachedStatement(sql: "UPDATE knowledgeEntry SET uses = uses + 1 WHERE id = ?").execute(arguments: [
                id
            ])
        }
    }

    // MARK: Helpers

    /// The row number and current version of entry `id`; `noSuchEntry` when there is none.
    static func currentEntry(_ id: String, _ db: Database) throws -> (Int64, KnowledgeEntry) {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT e.seq, \(KnowledgeEntry.selectedColumns("e")) FROM knowledgeEntry e
                        WHERE e.id = ? AND \(inBaseSQL)
                        """
                ),
                arguments: [id]
            )
        else { throw HotlineError.noSuchEntry(id: id) }
        return (row[0], KnowledgeEntry(row: row, startingAt: 1))
    }

    /// The row number the next entry gets. Read inside the writer's transaction, so no
    /// other writer can take it.
    static func nextEntrySeq(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT coalesce(max(seq), 0) + 1 FROM knowledgeEntry")) ?? 1
    }

    /// The searched fields of `knowledgeEntry e`, each on its own.
    static let entryFields = ["e.title", "e.body", "e.keywords"]

    static let insertEntrySQL: String = {
        let columns = ["seq", "id"] + KnowledgeEntry.fields.dropLast() + ["importId"]
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        return "INSERT INTO knowledgeEntry (\(columns.joined(separator: ", "))) VALUES (\(placeholders))"
    }()

    private static let keepVersionSQL: String = {
        let columns = KnowledgeEntry.fields + ["note"]
        return """
            INSERT INTO knowledgeVersion (entryId, \(columns.joined(separator: ", ")))
            SELECT id, \(columns.joined(separator: ", ")) FROM knowledgeEntry WHERE id = ?
            """
    }()
}
