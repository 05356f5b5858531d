import Foundation
import GRDB
import HotlineCore
import HotlineStore

/// Reading a whole site out for `hotlined transfer`: tickets by row number with everything
/// that belongs to them, each page in one read transaction.
extension SQLiteTicketStore: TransferSource {
    /// Tickets, entries (staged ones included) and open imports.
    public func transferContents() async throws -> TransferContents {
        try await reader.read { db in
            TransferContents(
                tickets: try Int.fetchOne(db, sql: "SELECT count(*) FROM ticket") ?? 0,
                entries: try Int.fetchOne(db, sql: "SELECT count(*) FROM knowledgeEntry") ?? 0,
                imports: try Int.fetchOne(db, sql: "SELECT count(*) FROM knowledgeImport") ?? 0
            )
        }
    }

    /// One daemon's file cannot tell whether that daemon runs.
    public func runningDaemon() async throws -> String? { nil }

    /// Up to `limit` tickets after row `after`, each with its history (unfolded passings as
    /// its last `overdue` events), deadline definitions and remaining checks.
    public func exportTickets(after: Int64?, limit: Int) async throws -> (tickets: [TransferredTicket], last: Int64?) {
        try await reader.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT seq, \(Ticket.selectedColumns()) FROM ticket WHERE seq > ? ORDER BY seq LIMIT ?",
                arguments: [after ?? 0, limit]
            )
            var tickets: [TransferredTicket] = []
            tickets.reserveCapacity(rows.count)
            for row in rows {
                let ticket = try Ticket(row: row, startingAt: 1)
                let events = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT * FROM event WHERE ticketId = ? ORDER BY seq"),
                    arguments: [ticket.id]
                ).map(TicketEvent.init(row:))
                let deadlines = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT kind, startAt, warnAt, dueAt FROM deadline WHERE ticketId = ?"),
                    arguments: [ticket.id]
                ).map { row in
                    TransferredDeadline(
                        kind: try Self.decoded(row[0], "deadline.kind"),
                        startAt: Date(millis: row[1]),
                        warnAt: Date(millis: row[2]),
                        dueAt: Date(millis: row[3])
                    )
                }
                let checks = try Row.fetchAll(
                    db.cachedStatement(sql: Self.exportChecksSQL),
                    arguments: [ticket.id, ticket.id]
                ).map { row in
                    TransferredCheck(
                        fireAt: Date(millis: row[0]),
                        kind: try Self.decoded(row[1], "deadlineCheck.kind"),
                        stage: try Self.decoded(row[2], "deadlineCheck.stage"),
                        dueAt: Date(millis: row[3])
                    )
                }
                tickets.append(
                    TransferredTicket(
                        ticket: ticket,
                        events: events + (try Self.unfoldedPassings(of: ticket.id, db)),
                        deadlines: deadlines,
                        checks: checks
                    )
                )
            }
            return (tickets, rows.last.map { $0[0] })
        }
    }

    /// A ticket's remaining checks, found by the keys its deadline definitions give them
    /// (the checks are keyed by time; looking them up by ticket would scan the table).
    private static let exportChecksSQL = """
        SELECT c.fireAt, c.kind, c.stage, c.dueAt FROM deadline d
        JOIN deadlineCheck c ON c.fireAt = d.warnAt AND c.ticketId = d.ticketId AND c.kind = d.kind AND c.stage = 'warn'
        WHERE d.ticketId = ?
        UNION ALL
        SELECT c.fireAt, c.kind, c.stage, c.dueAt FROM deadline d
        JOIN deadlineCheck c ON c.fireAt = d.dueAt + 1 AND c.ticketId = d.ticketId AND c.kind = d.kind AND c.stage = 'due'
        WHERE d.ticketId = ?
        """

    /// Up to `limit` entries after row `after`, each with its note, open import and earlier
    /// versions.
    public func exportEntries(after: Int64?, limit: Int) async throws -> (entries: [TransferredEntry], last: Int64?) {
        try await reader.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.seq, \(KnowledgeEntry.selectedColumns("e")), e.note, e.importId FROM knowledgeEntry e
                    WHERE e.seq > ? ORDER BY e.seq LIMIT ?
                    """,
                arguments: [after ?? 0, limit]
            )
            let entries = try rows.map { row in
                let entry = KnowledgeEntry(row: row, startingAt: 1)
                let versions = try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT \(KnowledgeEntry.selectedColumns("v", idColumn: "entryId")), v.note
                            FROM knowledgeVersion v WHERE v.entryId = ? ORDER BY v.version
                            """
                    ),
                    arguments: [entry.id]
                ).map { TransferredVersion(entry: KnowledgeEntry(row: $0), note: $0[12]) }
                return TransferredEntry(entry: entry, note: row[13], importID: row[14], versions: versions)
            }
            return (entries, rows.last.map { $0[0] })
        }
    }

    /// The open imports, oldest first.
    public func exportImports() async throws -> [TransferredImport] {
        try await reader.read { db in
            try Row.fetchAll(db, sql: "SELECT id, startedAt, uid, staged FROM knowledgeImport ORDER BY startedAt, id")
                .map { row in
                    TransferredImport(
                        id: row[0],
                        startedAt: Date(millis: row[1]),
                        uid: UInt32(truncatingIfNeeded: row[2] as Int64),
                        staged: row[3]
                    )
                }
        }
    }

    /// The value of an enumerated column, or ``StoreError/corrupt(_:)`` naming it.
    private static func decoded<T: RawRepresentable<String>>(_ raw: String, _ column: String) throws -> T {
        guard let value = T(rawValue: raw) else { throw StoreError.corrupt("\(column) = \(raw)") }
        return value
    }
}
