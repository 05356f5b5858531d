import Foundation
import GRDB
import HotlineCore
import HotlineStore

extension SQLiteTicketStore {
    /// The tickets that match `query` and `caller` may see, newest first, one page of them, and
    /// how many match in all. Text goes through the `ticketText` full-text index, and for the
    /// tickets an upgrade left waiting in `searchQueue` through their own text; a phone through
    /// `ticket_phone_digits`. Never a scan of every ticket.
    ///
    /// The matching tickets are found once, as keys (`MATERIALIZED`), and both the total and
    /// the page are taken from them.
    public func search(
        _ query: SearchQuery,
        visibleTo caller: Caller
    ) async throws
        -> (tickets: [Ticket], total: Int, next: String?)
    {
        try await reader.read { db in
            let (conditions, matchArguments) = Self.searchConditions(query, visibleTo: caller)
            var arguments = matchArguments
            let matching =
                "SELECT t.seq, t.receivedAt, t.id FROM ticket t WHERE "
                + (conditions.isEmpty ? "1" : conditions.joined(separator: " AND "))
            var page = "SELECT seq FROM m"
            if let after = query.after {
                guard
                    let cursor = try Row.fetchOne(
                        db,
                        sql: "SELECT receivedAt, id FROM ticket WHERE id = ?",
                        arguments: [after]
                    )
                else {
                    throw HotlineError.invalidParameter(parameter: "after", reason: "not a cursor this daemon gave out")
                }
                let receivedAt: Int64 = cursor[0]
                let id: String = cursor[1]
                page += " WHERE receivedAt < ? OR (receivedAt = ? AND id < ?)"
                arguments += [receivedAt, receivedAt, id]
            }
            page += " ORDER BY receivedAt DESC, id DESC LIMIT ?"
            arguments += [query.limit + 1]
            let sql = """
                WITH m AS MATERIALIZED (\(matching))
                SELECT (SELECT count(*) FROM m), \(Ticket.selectedColumns("t"))
                FROM ticket t JOIN (\(page)) p ON t.seq = p.seq
                ORDER BY t.receivedAt DESC, t.id DESC
                """
            let rows = try Row.fetchAll(self.searchStatement(sql, db), arguments: arguments)
            var tickets = try rows.map { try Ticket(row: $0, startingAt: 1) }
            // No page (a cursor at the end): the total still counts every match.
            let total: Int =
                try rows.first.map { $0[0] }
                ?? Int.fetchOne(db, sql: "WITH m AS (\(matching)) SELECT count(*) FROM m", arguments: matchArguments)
                ?? 0
            var next: String?
            if tickets.count > query.limit {
                tickets.removeLast()
                next = tickets.last?.id
            }
            return (tickets, total, next)
        }
    }

    /// The prepared statement of `sql`, a search of one shape (its filters and kinds of word):
    /// kept on the connection for the first ``searchShapesCached`` shapes the daemon meets,
    /// prepared anew for any later one. Preparing costs a search as much as running it, and
    /// the few shapes operators use again and again are met first; the bound keeps a long
    /// run of unusual queries from growing every connection's statement cache without end.
    private func searchStatement(_ sql: String, _ db: Database) throws -> Statement {
        let cached = searchShapes.withLock { shapes in
            if shapes.contains(sql) { return true }
            guard shapes.count < Self.searchShapesCached else { return false }
            shapes.insert(sql)
            return true
        }
        return try cached ? db.cachedStatement(sql: sql) : db.makeStatement(sql: sql)
    }

    /// How many search shapes keep their prepared statements.
    static let searchShapesCached = 64

    /// The conditions on `ticket t` of `query` for `caller`, with their arguments in order.
    static func searchConditions(
        _ query: SearchQuery,
        visibleTo caller: Caller
    ) -> (conditions: [String], arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let words = query.words {
            // Candidates from the index, and the tickets still queued for it (not in it). A word
            // of two characters is one bigram, and the index holds every bigram of an indexed
            // ticket's text: the index alone decides. A longer word's bigrams may be apart (the
            // index keeps no positions), so its text must hold it; so must a queued ticket's.
            conditions.append(
                "t.seq IN (SELECT rowid FROM ticketText WHERE ticketText MATCH ? UNION ALL SELECT seq FROM searchQueue)"
            )
            arguments += [SearchTerms.query(words: words)]
            let pairs = words.filter { $0.unicodeScalars.count == 2 }
            for word in words where word.unicodeScalars.count > 2 {
                conditions.append(Self.textContainsSQL(word))
                arguments += Self.textContainsArguments(word)
            }
            if !pairs.isEmpty {
                let inText = pairs.map { Self.textContainsSQL($0) }.joined(separator: " AND ")
                conditions.append("(t.seq NOT IN (SELECT seq FROM searchQueue) OR (\(inText)))")
                for word in pairs { arguments += Self.textContainsArguments(word) }
            }
        }
        if let unit = caller.role.unitID {
            conditions.append(Self.involvesUnitSQL)
            arguments += [unit, unit]
        }
        if let digits = query.phoneDigits {
            conditions.append("\(PhoneNumber.sqlDigits("citizenPhone")) = ?")
            arguments += [digits]
        }
        if let category = query.category {
            conditions.append("t.category = ?")
            arguments += [category]
        }
        if let district = query.district {
            conditions.append("t.district = ?")
            arguments += [district]
        }
        if let unit = query.unit {
            conditions.append(Self.involvesUnitSQL)
            arguments += [unit, unit]
        }
        if !query.statuses.isEmpty {
            conditions.append(Self.statusInSQL(query.statuses.count))
            for status in query.statuses { arguments += [status.rawValue] }
        }
        if let channel = query.channel {
            conditions.append("t.channel = ?")
            arguments += [channel.rawValue]
        }
        if let from = query.from {
            conditions.append("t.receivedAt >= ?")
            arguments += [from.millis]
        }
        if let to = query.to {
            conditions.append("t.receivedAt < ?")
            arguments += [to.millis]
        }
        return (conditions, arguments)
    }

    /// The searched fields of `ticket t`, each on its own (a word never spans two fields).
    static let searchedFields = Ticket.searchedColumns.map { "t." + $0 }

    /// A condition: one of `fields` (a ticket's searched fields unless given) holds `word`
    /// (lower-cased, as ``SearchTerms/words(_:)`` gives it). Only a word with Latin letters
    /// compares with the fields lower-cased: SQLite's `lower` changes nothing but A–Z, and
    /// skipping it spares a copy of every candidate's text. Ticket and knowledge-base
    /// search both check words this way.
    static func textContainsSQL(_ word: String, in fields: [String] = searchedFields) -> String {
        let folds = word.utf8.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
        let checks = fields.map { folds ? "instr(lower(\($0)), ?) > 0" : "instr(\($0), ?) > 0" }
        return "(" + checks.joined(separator: " OR ") + ")"
    }

    /// The arguments of ``textContainsSQL(_:in:)``.
    static func textContainsArguments(_ word: String, in fields: [String] = searchedFields) -> StatementArguments {
        StatementArguments(Array(repeating: word, count: fields.count))
    }

    /// A condition on `ticket t`: the unit bound twice leads or co-handles it.
    static let involvesUnitSQL =
        "(t.unit = ? OR EXISTS (SELECT 1 FROM ticketCoUnit c WHERE c.ticketId = t.id AND c.unit = ?))"

    /// A condition on `ticket t`: its status is one of `count` bound values.
    static func statusInSQL(_ count: Int) -> String {
        "t.status IN (\(Array(repeating: "?", count: count).joined(separator: ", ")))"
    }

    /// Indexes up to `limit` tickets waiting in `searchQueue` in one transaction; returns
    /// how many (0 when none waits).
    ///
    /// The transaction commits without waiting for the disk (`synchronous = NORMAL` for it
    /// alone): the index is derived data, and a crash that loses the commit loses its queue
    /// deletions with it (WAL commits are atomic), so those tickets are indexed again. The
    /// next acknowledged write's sync makes it durable, and Submits do not share the disk
    /// with one more sync per batch while an upgrade's backlog is worked off.
    @discardableResult
    public func indexQueuedForSearch(limit: Int = 200) async throws -> Int {
        try await writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            var indexed = 0
            do {
                try db.inTransaction {
                    indexed = try Self.indexQueuedRows(limit: limit, db)
                    return .commit
                }
            } catch {
                try db.execute(sql: "PRAGMA synchronous = FULL")
                throw error
            }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return indexed
        }
    }

    /// The queued tickets' text, the oldest queued first.
    private static let queuedTextSQL =
        "SELECT q.seq, t.seq IS NOT NULL, " + Ticket.searchedColumns.map { "t." + $0 }.joined(separator: ", ")
        + " FROM searchQueue q LEFT JOIN ticket t ON t.seq = q.seq ORDER BY q.seq LIMIT ?"

    /// Indexes up to `limit` queued tickets inside the caller's transaction.
    private static func indexQueuedRows(limit: Int, _ db: Database) throws -> Int {
        let rows = try Row.fetchAll(db.cachedStatement(sql: queuedTextSQL), arguments: [limit])
        for row in rows {
            let seq: Int64 = row[0]
            let exists: Bool = row[1]
            // A queued ticket is not in the index: nothing to delete first. A queue row whose
            // ticket is gone only leaves the queue.
            if exists {
                let text: [String?] = Ticket.searchedColumns.indices.map { row[$0 + 2] }
                try db.cachedStatement(sql: insertTokensSQL).run([
                    seq.databaseValue, SearchTerms.indexText(text).databaseValue,
                ])
            }
            try db.cachedStatement(sql: "DELETE FROM searchQueue WHERE seq = ?").run([seq.databaseValue])
        }
        return rows.count
    }

    /// How many tickets wait to be indexed for search.
    public func searchQueueLength() async throws -> Int {
        try await reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM searchQueue") ?? 0 }
    }
}
