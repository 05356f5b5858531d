import Foundation
import HotlineCore
import HotlineStore
import Logging
import PostgresNIO

/// The knowledge base on PostgreSQL: the same tables and rules as on SQLite (every version
/// kept by triggers; entries of an open import invisible until its commit deletes the
/// import's row), entry numbers from the server's `knowledge_entry_seq`.
extension PostgresTicketStore {
    /// How long an import may stay open before it is discarded.
    public static let importLifetime: TimeInterval = 86400

    // MARK: Changes

    /// Adds an entry as its first version, indexed for search in the same transaction.
    public func addEntry(_ draft: KnowledgeDraft, by uid: UInt32, at now: Date) async throws -> KnowledgeEntry {
        try await transaction { connection in
            let seq = try await Self.nextEntrySeqs(1, connection, logger: self.logger)[0]
            let entry = draft.entry(id: ReadableIDs.entry(seq), by: uid, at: now)
            try await Self.insertEntries([(seq, entry)], importID: nil, connection, logger: self.logger)
            return entry
        }
    }

    /// Makes the next version of entry `id` when `version` is its current one.
    public func updateEntry(
        _ id: String,
        version: Int,
        _ edit: KnowledgeEdit,
        by uid: UInt32,
        at now: Date
    ) async throws -> KnowledgeEntry {
        try await transaction { connection in
            let (seq, current) = try await Self.currentEntry(id, locking: true, connection, logger: self.logger)
            guard current.version == version else { throw HotlineError.staleVersion(id: id, version: current.version) }
            let next = current.edited(edit, by: uid, at: now)
            try await Self.replace(seq: seq, current, with: next, note: nil, connection, logger: self.logger)
            return next
        }
    }

    /// Retires entry `id` (its next version, with `note`); a retired entry is returned as it is.
    public func retireEntry(_ id: String, note: String, by uid: UInt32, at now: Date) async throws -> KnowledgeEntry {
        try await transaction { connection in
            let (seq, current) = try await Self.currentEntry(id, locking: true, connection, logger: self.logger)
            guard !current.retired else { return current }
            let next = current.retiring(by: uid, at: now)
            try await Self.replace(seq: seq, current, with: next, note: note, connection, logger: self.logger)
            return next
        }
    }

    /// Keeps the entry's row as a version of its own and writes `next` over it, with its tokens.
    private static func replace(
        seq: Int64,
        _ current: KnowledgeEntry,
        with next: KnowledgeEntry,
        note: String?,
        _ connection: PostgresConnection,
        logger: Logger
    ) async throws {
        var binds = PostgresBindings()
        binds.append(seq)
        next.appendContent(to: &binds)
        binds.append(note)
        let textChanged = next.searchedText != current.searchedText
        binds.append(textChanged ? SearchTerms.indexText(next.searchedText) : nil)
        binds.append(textChanged ? SearchTerms.indexText([next.title]) : nil)
        _ = try await rows(
            """
            WITH kept AS (
                INSERT INTO knowledge_version (entry_id, version, title, body, category, keywords, created_at,
                    updated_at, updated_by, retired, valid_until, note, uses)
                SELECT id, version, title, body, category, keywords, created_at, updated_at, updated_by, retired,
                    valid_until, note, uses FROM knowledge_entry WHERE seq = $1
            )
            SELECT 1
            """,
            Self.bindings(seq),
            on: connection,
            logger: logger
        )
        _ = try await rows(
            """
            WITH e AS (
                UPDATE knowledge_entry SET title = $2, body = $3, category = $4, keywords = $5::jsonb, version = $6,
                    created_at = $7, updated_at = $8, updated_by = $9, retired = $10, valid_until = $11, note = $12
                WHERE seq = $1
            ), x AS (
                UPDATE knowledge_text SET tokens = string_to_array($13::text, ' ') WHERE seq = $1 AND $13::text IS NOT NULL
            ), y AS (
                UPDATE knowledge_title SET tokens = string_to_array($14::text, ' ') WHERE seq = $1 AND $14::text IS NOT NULL
            )
            SELECT 1
            """,
            binds,
            on: connection,
            logger: logger
        )
    }

    /// Writes new entries (row number, entry) and their tokens; `importID` names the open
    /// import they belong to, if any.
    static func insertEntries(
        _ entries: [(seq: Int64, entry: KnowledgeEntry)],
        importID: String?,
        _ connection: PostgresConnection,
        logger: Logger
    ) async throws {
        struct Row: Encodable {
            var seq: Int64
            var id: String
            var title: String
            var body: String
            var category: String?
            var keywords: String
            var version: Int
            var createdAt: Int64
            var updatedAt: Int64
            var updatedBy: Int64
            var retired: Bool
            var validUntil: Int64?
            var text: String
            var titleText: String
        }
        let rows = entries.map { seq, entry in
            Row(
                seq: seq,
                id: entry.id,
                title: entry.title,
                body: entry.body,
                category: entry.category,
                keywords: StoredList.json(entry.keywords),
                version: entry.version,
                createdAt: entry.createdAt.millis,
                updatedAt: entry.updatedAt.millis,
                updatedBy: Int64(entry.updatedBy),
                retired: entry.retired,
                validUntil: entry.validUntil?.millis,
                text: SearchTerms.indexText(entry.searchedText),
                titleText: SearchTerms.indexText([entry.title])
            )
        }
        var binds = PostgresBindings()
        binds.append(String(decoding: try JSONEncoder().encode(rows), as: UTF8.self))
        binds.append(importID)
        _ = try await Self.rows(
            """
            WITH r AS (
                SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("seq" bigint, "id" text, "title" text, "body" text,
                    "category" text, "keywords" text, "version" int, "createdAt" bigint, "updatedAt" bigint,
                    "updatedBy" bigint, "retired" boolean, "validUntil" bigint, "text" text, "titleText" text)
            ), e AS (
                INSERT INTO knowledge_entry (seq, id, title, body, category, keywords, version, created_at, updated_at,
                    updated_by, retired, valid_until, import_id)
                SELECT r.seq, r.id, r.title, r.body, r.category, r.keywords::jsonb, r.version,
                    hotline_time(r."createdAt"), hotline_time(r."updatedAt"), r."updatedBy", r.retired,
                    hotline_time(r."validUntil"), $2::text
                FROM r
                RETURNING seq
            ), x AS (
                INSERT INTO knowledge_text (seq, tokens) SELECT r.seq, string_to_array(r.text, ' ') FROM r JOIN e USING (seq)
            ), y AS (
                INSERT INTO knowledge_title (seq, tokens) SELECT r.seq, string_to_array(r."titleText", ' ') FROM r JOIN e USING (seq)
            )
            SELECT count(*) FROM e
            """,
            binds,
            on: connection,
            logger: logger
        )
    }

    // MARK: Reading

    /// Entry `id` as it is now, and every version it had before, oldest first.
    public func entry(_ id: String) async throws -> (entry: KnowledgeEntry, versions: [KnowledgeEntry]) {
        try await withConnection { connection in
            let (_, current) = try await Self.currentEntry(id, locking: false, connection, logger: self.logger)
            let versions = try await Self.rows(
                """
                SELECT \(KnowledgeEntry.postgresColumns("v", idColumn: "entry_id")) FROM knowledge_version v
                WHERE v.entry_id = $1 ORDER BY v.version
                """,
                Self.bindings(id),
                on: connection,
                logger: self.logger
            ).map { try KnowledgeEntry(postgresRow: $0) }
            return (current, versions)
        }
    }

    /// The entries that hold every word of `query`, best first (contract §10): those whose
    /// title holds every word, then the rest; within each, the most cited, then the newest
    /// version, then the later added. Candidates come from `knowledge_text`'s GIN index; a
    /// word longer than two characters must also occur in the title, body or keywords.
    public func searchEntries(
        _ query: KnowledgeQuery,
        at now: Date
    ) async throws -> (
        entries: [KnowledgeEntry], total: Int
    ) {
        var binds = PostgresBindings()
        func bind<T: PostgresNonThrowingEncodable>(_ value: T) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var conditions = [
            "e.seq IN (SELECT seq FROM knowledge_text WHERE tokens @> \(bind(SearchTerms.pairs(words: query.words)))::text[])"
        ]
        var inTitle: [String] = []
        for word in query.words {
            let placeholder = bind(word)
            let folding = Self.hasLatin(word)
            if word.unicodeScalars.count > 2 {
                conditions.append(Self.textContains(placeholder, folding: folding, in: Self.entryFields))
            }
            inTitle.append(Self.textContains(placeholder, folding: folding, in: ["e.title"]))
        }
        conditions.append(query.includeRetired ? Self.inBase : Self.inForce(bind(Instant(now))))
        if let category = query.category { conditions.append("e.category = \(bind(category))") }
        let sql = """
            WITH m AS MATERIALIZED (
                SELECT e.seq, e.uses, e.updated_at, (\(inTitle.joined(separator: " AND "))) AS in_title
                FROM knowledge_entry e WHERE \(conditions.joined(separator: " AND "))
            )
            SELECT (SELECT count(*) FROM m), \(KnowledgeEntry.postgresColumns("e"))
            FROM (SELECT * FROM m ORDER BY in_title DESC, uses DESC, updated_at DESC, seq DESC LIMIT \(bind(query.limit))) p
            JOIN knowledge_entry e ON e.seq = p.seq
            ORDER BY p.in_title DESC, p.uses DESC, p.updated_at DESC, p.seq DESC
            """
        let rows = try await rows(sql, binds)
        let total = try rows.first?.makeRandomAccess()[0].decode(Int.self) ?? 0
        return (try rows.map { try KnowledgeEntry(postgresRow: $0, startingAt: 1) }, total)
    }

    /// The searched fields of `knowledge_entry e`, each on its own.
    static let entryFields = ["e.title", "e.body", "e.keywords::text"]

    /// A condition on `knowledge_entry e`: not an entry of an import still open.
    static let inBase = "(e.import_id IS NULL OR e.import_id NOT IN (SELECT id FROM knowledge_import))"

    /// A condition on `knowledge_entry e`: in force at the instant bound at `placeholder`
    /// (not retired, not past its validity) and not of an open import.
    static func inForce(_ placeholder: String) -> String {
        "(NOT e.retired AND (e.valid_until IS NULL OR e.valid_until > \(placeholder)) AND \(inBase))"
    }

    // MARK: Imports

    /// Writes `drafts` as entries of import `id` (a new one when nil) that `uid` runs;
    /// returns the import's id and how many entries it holds now. Starting an import
    /// discards those left open for longer than ``importLifetime``.
    public func stageImport(
        _ id: String?,
        _ drafts: [KnowledgeDraft],
        by uid: UInt32,
        at now: Date
    ) async throws -> (id: String, staged: Int) {
        try await transaction { connection in
            let importID: String
            var staged: Int
            if let id {
                staged = try await Self.openImport(id, by: uid, connection, logger: self.logger)
                importID = id
            } else {
                let stale = try await Self.rows(
                    "SELECT id FROM knowledge_import WHERE started_at < $1",
                    Self.bindings(Instant(now.addingTimeInterval(-Self.importLifetime))),
                    on: connection,
                    logger: self.logger
                ).map { try $0.decode(String.self) }
                for old in stale { try await Self.removeImport(old, connection, logger: self.logger) }
                importID = "I" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
                staged = 0
                var binds = PostgresBindings()
                binds.append(importID)
                binds.append(Instant(now))
                binds.append(Int64(uid))
                _ = try await Self.rows(
                    "INSERT INTO knowledge_import (id, started_at, uid) VALUES ($1, $2, $3)",
                    binds,
                    on: connection,
                    logger: self.logger
                )
            }
            if !drafts.isEmpty {
                let seqs = try await Self.nextEntrySeqs(drafts.count, connection, logger: self.logger)
                let entries = zip(seqs, drafts).map { seq, draft in
                    (seq, draft.entry(id: ReadableIDs.entry(seq), by: uid, at: now))
                }
                try await Self.insertEntries(entries, importID: importID, connection, logger: self.logger)
            }
            staged += drafts.count
            var binds = PostgresBindings()
            binds.append(staged)
            binds.append(importID)
            _ = try await Self.rows(
                "UPDATE knowledge_import SET staged = $1 WHERE id = $2",
                binds,
                on: connection,
                logger: self.logger
            )
            return (importID, staged)
        }
    }

    /// Puts every entry of import `id` into the knowledge base at once, by deleting the
    /// import's row; returns how many it added.
    public func commitImport(_ id: String, by uid: UInt32) async throws -> Int {
        try await transaction { connection in
            let staged = try await Self.openImport(id, by: uid, connection, logger: self.logger)
            _ = try await Self.rows(
                "DELETE FROM knowledge_import WHERE id = $1",
                Self.bindings(id),
                on: connection,
                logger: self.logger
            )
            return staged
        }
    }

    /// Discards import `id` and every entry it wrote; nothing happens when it is not open.
    public func discardImport(_ id: String) async throws {
        try await transaction { connection in try await Self.removeImport(id, connection, logger: self.logger) }
    }

    /// Deletes the entries of the open import `id`, their tokens, then the import.
    private static func removeImport(_ id: String, _ connection: PostgresConnection, logger: Logger) async throws {
        _ = try await rows(
            """
            WITH gone AS (SELECT seq FROM knowledge_entry WHERE import_id = $1),
            x AS (DELETE FROM knowledge_text WHERE seq IN (SELECT seq FROM gone)),
            y AS (DELETE FROM knowledge_title WHERE seq IN (SELECT seq FROM gone))
            SELECT 1
            """,
            Self.bindings(id),
            on: connection,
            logger: logger
        )
        _ = try await rows(
            "DELETE FROM knowledge_entry WHERE import_id = $1",
            Self.bindings(id),
            on: connection,
            logger: logger
        )
        _ = try await rows(
            "DELETE FROM knowledge_import WHERE id = $1",
            Self.bindings(id),
            on: connection,
            logger: logger
        )
    }

    /// How many entries import `id` of `uid` holds; `noSuchImport` when it is not open for
    /// them. Takes the import's row lock: its calls take turns.
    private static func openImport(
        _ id: String,
        by uid: UInt32,
        _ connection: PostgresConnection,
        logger: Logger
    ) async throws -> Int {
        var binds = PostgresBindings()
        binds.append(id)
        binds.append(Int64(uid))
        guard
            let row = try await rows(
                "SELECT staged FROM knowledge_import WHERE id = $1 AND uid = $2 FOR UPDATE",
                binds,
                on: connection,
                logger: logger
            ).first
        else { throw HotlineError.noSuchImport(id: id) }
        return try row.decode(Int.self)
    }

    // MARK: Citations (inside a ticket's transaction)

    /// Refuses citations of entries that do not exist or are not in force at `now`
    /// (`noSuchEntry`, the first such id, in the order cited); writes nothing.
    static func checkEntriesInForce(
        _ ids: [String],
        at now: Date,
        _ connection: PostgresConnection,
        logger: Logger
    ) async throws {
        guard !ids.isEmpty else { return }
        var binds = PostgresBindings()
        binds.append(ids)
        binds.append(Instant(now))
        let inForce = Set(
            try await rows(
                "SELECT e.id FROM knowledge_entry e WHERE e.id = ANY($1::text[]) AND \(inForce("$2"))",
                binds,
                on: connection,
                logger: logger
            ).map { try $0.decode(String.self) }
        )
        if let missing = ids.first(where: { !inForce.contains($0) }) { throw HotlineError.noSuchEntry(id: missing) }
    }

    // MARK: Helpers

    /// The row number and current version of entry `id` (its row locked when `locking`).
    static func currentEntry(
        _ id: String,
        locking: Bool,
        _ connection: PostgresConnection,
        logger: Logger
    ) async throws -> (Int64, KnowledgeEntry) {
        guard
            let row = try await rows(
                """
                SELECT e.seq, \(KnowledgeEntry.postgresColumns("e")) FROM knowledge_entry e
                WHERE e.id = $1 AND \(inBase)\(locking ? " FOR UPDATE OF e" : "")
                """,
                Self.bindings(id),
                on: connection,
                logger: logger
            ).first
        else { throw HotlineError.noSuchEntry(id: id) }
        return (try row.makeRandomAccess()[0].decode(Int64.self), try KnowledgeEntry(postgresRow: row, startingAt: 1))
    }

    /// `count` new entry row numbers from the server's sequence.
    static func nextEntrySeqs(_ count: Int, _ connection: PostgresConnection, logger: Logger) async throws -> [Int64] {
        try await rows(
            "SELECT nextval('knowledge_entry_seq') FROM generate_series(1, $1)",
            Self.bindings(count),
            on: connection,
            logger: logger
        ).map { try $0.decode(Int64.self) }
    }

}

extension KnowledgeEntry {
    /// The columns an entry is read from, in ``init(postgresRow:startingAt:)``'s order; both
    /// `knowledge_entry` and `knowledge_version` have them.
    static func postgresColumns(_ alias: String, idColumn: String = "id") -> String {
        [
            "\(alias).\(idColumn)", "\(alias).title", "\(alias).body", "\(alias).category", "\(alias).keywords::text",
            "\(alias).version", "\(alias).created_at", "\(alias).updated_at", "\(alias).updated_by",
            "\(alias).retired", "\(alias).valid_until", "\(alias).uses",
        ].joined(separator: ", ")
    }

    /// Reads an entry from `row`, its columns from `first` on.
    init(postgresRow row: PostgresRow, startingAt first: Int = 0) throws {
        let cells = row.makeRandomAccess()
        func time(_ index: Int) throws -> Date { Ticket.toMillisecond(try cells[first + index].decode(Date.self)) }
        self.init(
            id: try cells[first].decode(String.self),
            title: try cells[first + 1].decode(String.self),
            body: try cells[first + 2].decode(String.self),
            category: try cells[first + 3].decode(String?.self),
            keywords: StoredList.values(fromJSON: try cells[first + 4].decode(String.self)),
            version: Int(try cells[first + 5].decode(Int32.self)),
            createdAt: try time(6),
            updatedAt: try time(7),
            updatedBy: UInt32(truncatingIfNeeded: try cells[first + 8].decode(Int64.self)),
            retired: try cells[first + 9].decode(Bool.self),
            validUntil: try cells[first + 10].decode(Date?.self).map(Ticket.toMillisecond),
            uses: Int(try cells[first + 11].decode(Int32.self))
        )
    }

    /// Appends the content columns, `title` to `valid_until`.
    func appendContent(to binds: inout PostgresBindings) {
        binds.append(title)
        binds.append(body)
        binds.append(category)
        binds.append(StoredList.json(keywords))
        binds.append(Int32(version))
        binds.append(Instant(createdAt))
        binds.append(Instant(updatedAt))
        binds.append(Int64(updatedBy))
        binds.append(retired)
        binds.append(validUntil.instant)
    }
}
