import Foundation
import GRDB
import HotlineCore

extension TicketStore {
    /// The tickets that match `query` and `caller` may see, newest first, one page of them, and
    /// how many match in all. Text goes through the `ticketText` full-text index, and for the
    /// few tickets still waiting in `searchQueue` (written since the indexer last ran) through
    /// their own text; a phone through `ticket_phone_digits`. Never a scan of every ticket.
    public func search(
        _ query: SearchQuery,
        visibleTo caller: Caller
    ) async throws
        -> (tickets: [Ticket], total: Int, next: String?)
    {
        try await reader.read { db in
            var conditions: [String] = []
            var arguments = StatementArguments()
            if let words = query.words {
                // Candidates from the index, and the few tickets still queued for it; then every
                // word must be in the text itself (the index holds pairs, not their order).
                conditions.append(
                    """
                    t.seq IN (SELECT rowid FROM ticketText WHERE ticketText MATCH ?
                                  AND rowid NOT IN (SELECT seq FROM searchQueue)
                              UNION ALL
                              SELECT seq FROM searchQueue)
                    """
                )
                arguments += [SearchTerms.query(words: words)]
                let text =
                    "lower(coalesce(t.title, '') || char(10) || t.content || char(10) || coalesce(t.address, '') "
                    + "|| char(10) || coalesce(t.result, ''))"
                for word in words {
                    conditions.append("instr(\(text), ?) > 0")
                    arguments += [word]
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
            let matching =
                "FROM ticket t WHERE " + (conditions.isEmpty ? "1" : conditions.joined(separator: " AND "))
            let total = try Int.fetchOne(db, sql: "SELECT count(*) \(matching)", arguments: arguments) ?? 0

            var page = matching
            var pageArguments = arguments
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
                page += " AND (t.receivedAt < ? OR (t.receivedAt = ? AND t.id < ?))"
                pageArguments += [receivedAt, receivedAt, id]
            }
            pageArguments += [query.limit + 1]
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(Ticket.selectedColumns("t")) \(page) ORDER BY t.receivedAt DESC, t.id DESC LIMIT ?",
                arguments: pageArguments
            )
            var tickets = try rows.map { try Ticket(row: $0) }
            var next: String?
            if tickets.count > query.limit {
                tickets.removeLast()
                next = tickets.last?.id
            }
            return (tickets, total, next)
        }
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
    @discardableResult
    public func indexQueuedForSearch(limit: Int = 200) async throws -> Int {
        try await writer.write { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT q.seq, t.title, t.content, t.address, t.result
                        FROM searchQueue q LEFT JOIN ticket t ON t.seq = q.seq ORDER BY q.seq LIMIT ?
                        """
                ),
                arguments: [limit]
            )
            for row in rows {
                let seq: Int64 = row[0]
                try db.cachedStatement(sql: "DELETE FROM ticketText WHERE rowid = ?").run([seq.databaseValue])
                if let content: String = row[2] {
                    let tokens = SearchTerms.indexText([row[1], content, row[3], row[4]])
                    try db.cachedStatement(sql: "INSERT INTO ticketText (rowid, tokens) VALUES (?, ?)").run([
                        seq.databaseValue, tokens.databaseValue,
                    ])
                }
                try db.cachedStatement(sql: "DELETE FROM searchQueue WHERE seq = ?").run([seq.databaseValue])
            }
            return rows.count
        }
    }

    /// How many tickets wait to be indexed for search.
    public func searchQueueLength() async throws -> Int {
        try await reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM searchQueue") ?? 0 }
    }
}
