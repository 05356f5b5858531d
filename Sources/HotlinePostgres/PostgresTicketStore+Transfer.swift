import Foundation
import HotlineCore
import HotlineStore
import PostgresNIO

/// Reading a whole site out for `hotlined transfer`: tickets by row number, a page at a time,
/// each ticket with its history, deadline definitions and remaining checks in the same row.
extension PostgresTicketStore: TransferSource {
    /// Tickets, entries (staged ones included) and open imports.
    public func transferContents() async throws -> TransferContents {
        let rows = try await rows(
            """
            SELECT (SELECT count(*) FROM ticket), (SELECT count(*) FROM knowledge_entry),
                   (SELECT count(*) FROM knowledge_import)
            """
        )
        guard let row = rows.first else { return TransferContents(tickets: 0, entries: 0, imports: 0) }
        let (tickets, entries, imports) = try row.decode((Int, Int, Int).self)
        return TransferContents(tickets: tickets, entries: entries, imports: imports)
    }

    /// The node holding the SLA clock's lease, while its term lasts: every daemon on the
    /// database claims it at start and renews it while it runs, standbys included.
    public func runningDaemon() async throws -> String? {
        let rows = try await rows(
            """
            SELECT node, expires_at FROM lease WHERE name = $1 AND expires_at >= clock_timestamp()
            """,
            Self.bindings(Self.clockLeaseName)
        )
        guard let row = rows.first else { return nil }
        let (node, until) = try row.decode((String, Date).self)
        return "\(node) (its SLA clock lease runs until \(until))"
    }

    /// Up to `limit` tickets after row `after`, each with its history (unfolded passings as
    /// its last `overdue` events), deadline definitions and remaining checks.
    public func exportTickets(after: Int64?, limit: Int) async throws -> (tickets: [TransferredTicket], last: Int64?) {
        let rows = try await rows(
            """
            SELECT t.seq, \(Ticket.postgresCompletedColumns("t")),
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('n', e.seq, 'at', hotline_ms(e.at), 'kind', e.kind,
                        'actor', e.actor_uid, 'role', e.role, 'unit', e.unit, 'note', e.note) ORDER BY e.seq), '[]')
                    FROM event e WHERE e.ticket_id = t.id)::text,
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('kind', p.kind, 'at', hotline_ms(p.at), 'unit', p.unit)
                                              ORDER BY p.at, p.kind), '[]')
                    FROM deadline_passed p WHERE p.ticket_id = t.id)::text,
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('kind', d.kind, 'startAt', hotline_ms(d.start_at),
                        'warnAt', hotline_ms(d.warn_at), 'dueAt', hotline_ms(d.due_at))), '[]')
                    FROM deadline d WHERE d.ticket_id = t.id)::text,
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('fireAt', hotline_ms(c.fire_at), 'kind', c.kind,
                        'stage', c.stage, 'dueAt', hotline_ms(c.due_at))), '[]')
                    FROM deadline_check c WHERE c.ticket_id = t.id)::text
            FROM ticket t WHERE t.seq > $1 ORDER BY t.seq LIMIT $2
            """,
            Self.bindings(after ?? 0, limit)
        )
        let decoder = TransferJSON.decoder()
        let columns = 1 + Ticket.postgresColumns.count
        var last: Int64?
        let tickets = try rows.map { row in
            let cells = row.makeRandomAccess()
            last = try cells[0].decode(Int64.self)
            let ticket = try Ticket(postgresRow: row, startingAt: 1)
            let events = try EventRows.events(fromJSON: cells[columns].decode(String.self))
            let passings = try PassingRows.events(fromJSON: cells[columns + 1].decode(String.self))
            return TransferredTicket(
                ticket: ticket,
                events: events + passings,
                deadlines: try decoder.decode(
                    [TransferredDeadline].self,
                    from: Data(try cells[columns + 2].decode(String.self).utf8)
                ),
                checks: try decoder.decode(
                    [TransferredCheck].self,
                    from: Data(try cells[columns + 3].decode(String.self).utf8)
                )
            )
        }
        return (tickets, last)
    }

    /// Up to `limit` entries after row `after`, each with its note, open import and earlier
    /// versions.
    public func exportEntries(after: Int64?, limit: Int) async throws -> (entries: [TransferredEntry], last: Int64?) {
        try await withConnection { connection in
            let rows = try await Self.rows(
                """
                SELECT e.seq, \(KnowledgeEntry.postgresColumns("e")), e.note, e.import_id FROM knowledge_entry e
                WHERE e.seq > $1 ORDER BY e.seq LIMIT $2
                """,
                Self.bindings(after ?? 0, limit),
                on: connection,
                logger: self.logger
            )
            var current: [(entry: KnowledgeEntry, note: String?, importID: String?)] = []
            var last: Int64?
            for row in rows {
                let cells = row.makeRandomAccess()
                last = try cells[0].decode(Int64.self)
                current.append(
                    (
                        try KnowledgeEntry(postgresRow: row, startingAt: 1), try cells[13].decode(String?.self),
                        try cells[14].decode(String?.self)
                    )
                )
            }
            var versions: [String: [TransferredVersion]] = [:]
            for row in try await Self.rows(
                """
                SELECT \(KnowledgeEntry.postgresColumns("v", idColumn: "entry_id")), v.note FROM knowledge_version v
                WHERE v.entry_id = ANY($1) ORDER BY v.entry_id, v.version
                """,
                Self.bindings(current.map(\.entry.id)),
                on: connection,
                logger: self.logger
            ) {
                let version = try KnowledgeEntry(postgresRow: row)
                versions[version.id, default: []].append(
                    TransferredVersion(entry: version, note: try row.makeRandomAccess()[12].decode(String?.self))
                )
            }
            let entries = current.map {
                TransferredEntry(
                    entry: $0.entry,
                    note: $0.note,
                    importID: $0.importID,
                    versions: versions[$0.entry.id] ?? []
                )
            }
            return (entries, last)
        }
    }

    /// The open imports, oldest first.
    public func exportImports() async throws -> [TransferredImport] {
        try await rows("SELECT id, started_at, uid, staged FROM knowledge_import ORDER BY started_at, id").map { row in
            let (id, startedAt, uid, staged) = try row.decode((String, Date, Int64, Int32).self)
            return TransferredImport(
                id: id,
                startedAt: Ticket.toMillisecond(startedAt),
                uid: UInt32(truncatingIfNeeded: uid),
                staged: Int(staged)
            )
        }
    }
}
