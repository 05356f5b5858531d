import Foundation
import HotlineCore
import HotlineStore
import Logging
import PostgresNIO

/// A PostgreSQL database a transfer copies a site into. The whole copy is one transaction,
/// with the tables locked against writers: a transfer that fails or is killed before its
/// commit leaves the database as empty as it was. What the copy is read back and compared
/// with the source after the commit; when that differs, the target is emptied again.
public struct PostgresTransferTarget: TransferTarget {
    /// The target's store.
    public let store: PostgresTicketStore
    /// The target as the operator named it (for messages).
    public let name: String

    /// A target on `store`'s database.
    public init(store: PostgresTicketStore, name: String) {
        self.store = store
        self.name = name
    }

    /// Refuses a database that holds tickets, entries or imports, or that a daemon runs on.
    public func checkEmpty() async throws {
        if let daemon = try await store.runningDaemon() {
            throw TransferError.daemonRunning(database: name, daemon: daemon)
        }
        let contents = try await store.transferContents()
        guard contents.isEmpty else { throw TransferError.targetNotEmpty(target: name, holds: contents.described) }
    }

    /// Loads the copy in one transaction, builds the rollups and ticket numbering, commits,
    /// and verifies; empties the database again when the verification fails.
    public func load(
        _ fill: @escaping @Sendable (any TransferSink) async throws -> Void,
        verify: @escaping @Sendable (any TransferSource) async throws -> Void
    ) async throws {
        let logger = store.logger
        let name = name
        try await store.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                try await Self.run(Self.prepareSQL, on: connection, logger: logger)
                let holds = try await PostgresTicketStore.rows(
                    """
                    SELECT (SELECT count(*) FROM ticket), (SELECT count(*) FROM knowledge_entry),
                           (SELECT count(*) FROM knowledge_import)
                    """,
                    on: connection,
                    logger: logger
                )
                if let row = holds.first {
                    let (tickets, entries, imports) = try row.decode((Int, Int, Int).self)
                    let contents = TransferContents(tickets: tickets, entries: entries, imports: imports)
                    guard contents.isEmpty else {
                        throw TransferError.targetNotEmpty(target: name, holds: contents.described)
                    }
                }
                let indexes = try await Self.dropIndexes(on: connection, logger: logger)
                try await fill(PostgresTransferSink(connection: connection, logger: logger))
                try await Self.run(indexes + Self.completeSQL, on: connection, logger: logger)
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
        do {
            try await verify(store)
        } catch {
            try? await store.withConnection { connection in
                try await Self.run(Self.emptySQL, on: connection, logger: logger)
            }
            throw error
        }
    }

    /// Before the load: writers held out until the commit; the figure trigger off (the
    /// rollups are built once at the end); the reference from a merged ticket to the one it
    /// was merged into dropped, since that one may come later (it is added back, and so
    /// checked, at the end).
    static let prepareSQL = [
        "LOCK TABLE ticket, event, deadline, deadline_check, knowledge_entry, knowledge_version, knowledge_import IN EXCLUSIVE MODE",
        "ALTER TABLE ticket DISABLE TRIGGER ticket_figures",
        "ALTER TABLE ticket DROP CONSTRAINT ticket_duplicate_of_fkey",
    ]

    /// The tables a transfer writes.
    static let loadedTables = [
        "ticket", "ticket_co_unit", "event", "deadline", "deadline_check", "ticket_text", "knowledge_entry",
        "knowledge_version", "knowledge_text", "knowledge_title",
    ]

    /// Drops the indexes of the loaded tables that no constraint needs, and returns the
    /// statements that build them again: built once over all rows at the end, as a restore
    /// does, they cost a fraction of keeping them row by row (the search tokens' GIN index
    /// above all).
    static func dropIndexes(on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let rows = try await PostgresTicketStore.rows(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                              WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
            ORDER BY i.indexname
            """,
            PostgresTicketStore.bindings(loadedTables),
            on: connection,
            logger: logger
        )
        var definitions = ["SET LOCAL maintenance_work_mem = '256MB'"]
        for row in rows {
            let (name, definition) = try row.decode((String, String).self)
            _ = try await PostgresTicketStore.rows(
                "DROP INDEX \"\(name)\"",
                on: connection,
                logger: logger
            )
            definitions.append(definition)
        }
        return definitions
    }

    /// After the load: the reference checked, the trigger back, the rollups built from the
    /// tickets, each day's ticket numbering continued after its highest number, and the
    /// knowledge base's row numbers after the last one.
    static var completeSQL: [String] {
        [
            "ALTER TABLE ticket ADD CONSTRAINT ticket_duplicate_of_fkey FOREIGN KEY (duplicate_of) REFERENCES ticket(id)",
            "ALTER TABLE ticket ENABLE TRIGGER ticket_figures",
            "TRUNCATE figure_delta, figure_hour, hotspot_hour",
        ] + PostgresSchema.rollupBuild + [
            """
            DO $$
            DECLARE
                r record;
            BEGIN
                FOR r IN
                    SELECT split_part(id, '-', 1) AS day, max(split_part(id, '-', 2)::bigint) AS last FROM ticket
                    WHERE id ~ '^[0-9]{8}-[0-9]+$' GROUP BY 1
                LOOP
                    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', 'ticket_number_' || r.day);
                    PERFORM setval(format('%I', 'ticket_number_' || r.day)::regclass, r.last);
                END LOOP;
            END
            $$
            """,
            """
            SELECT setval('knowledge_entry_seq', (SELECT max(seq) FROM knowledge_entry))
            WHERE EXISTS (SELECT 1 FROM knowledge_entry)
            """,
            "ANALYZE",
        ]
    }

    /// Everything a transfer wrote, removed again (a copy that did not verify).
    static let emptySQL = [
        """
        TRUNCATE ticket, ticket_co_unit, event, deadline, deadline_check, deadline_passed, ticket_text, figure_delta,
                 figure_hour, hotspot_hour, knowledge_entry, knowledge_version, knowledge_text, knowledge_title,
                 knowledge_import, notice
        RESTART IDENTITY CASCADE
        """,
        """
        DO $$
        DECLARE
            s record;
        BEGIN
            FOR s IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind = 'S' AND c.relname LIKE 'ticket\\_number\\_%' AND n.nspname = current_schema()
            LOOP
                EXECUTE format('DROP SEQUENCE %I', s.relname);
            END LOOP;
        END
        $$
        """,
    ]

    private static func run(_ statements: [String], on connection: PostgresConnection, logger: Logger) async throws {
        for statement in statements {
            _ = try await PostgresTicketStore.rows(statement, on: connection, logger: logger)
        }
    }
}

/// Writes a transfer's records inside the target's one transaction, a statement per table
/// and batch: the rows travel as one JSON array each.
struct PostgresTransferSink: TransferSink {
    let connection: PostgresConnection
    let logger: Logger

    private func run(_ sql: String, _ json: String, _ more: [String] = []) async throws {
        var binds = PostgresBindings()
        binds.append(json)
        for value in more { binds.append(value) }
        _ = try await PostgresTicketStore.rows(sql, binds, on: connection, logger: logger)
    }

    private static let encoder = TransferJSON.encoder(sortedKeys: false)

    private static func json<T: Encodable>(_ rows: [T]) throws -> String {
        String(decoding: try encoder.encode(rows), as: UTF8.self)
    }

    func write(_ tickets: [TransferredTicket]) async throws {
        guard !tickets.isEmpty else { return }
        try await run(Self.insertTicketsSQL, try Self.json(tickets.map(\.ticket)))
        struct EventRow: Encodable {
            var ticket: String
            var n: Int
            var at: Date
            var kind: String
            var actor: Int64
            var role: String
            var unit: String?
            var note: String?
        }
        var n = 0
        let events = tickets.flatMap { transferred in
            transferred.events.map { event in
                n += 1
                return EventRow(
                    ticket: transferred.ticket.id,
                    n: n,
                    at: event.at,
                    kind: event.kind.rawValue,
                    actor: Int64(event.actorUid),
                    role: event.role.rawValue,
                    unit: event.unit,
                    note: event.note
                )
            }
        }
        try await run(
            """
            INSERT INTO event (ticket_id, at, kind, actor_uid, role, unit, note)
            SELECT r.ticket, hotline_time(r.at), r.kind, r.actor, r.role, r.unit, r.note
            FROM jsonb_to_recordset($1::jsonb) AS r(ticket text, n int, at bigint, kind text, actor bigint, role text,
                                                    unit text, note text)
            ORDER BY r.n
            """,
            try Self.json(events)
        )
        struct DeadlineRow: Encodable {
            var ticket: String
            var deadline: TransferredDeadline
        }
        try await run(
            """
            INSERT INTO deadline (ticket_id, kind, start_at, warn_at, due_at)
            SELECT r.ticket, r.deadline->>'kind', hotline_time((r.deadline->>'startAt')::bigint),
                   hotline_time((r.deadline->>'warnAt')::bigint), hotline_time((r.deadline->>'dueAt')::bigint)
            FROM jsonb_to_recordset($1::jsonb) AS r(ticket text, deadline jsonb)
            """,
            try Self.json(tickets.flatMap { t in t.deadlines.map { DeadlineRow(ticket: t.ticket.id, deadline: $0) } })
        )
        struct CheckRow: Encodable {
            var ticket: String
            var planned: TransferredCheck
        }
        // What a check carries of its ticket is taken from the ticket as written.
        try await run(
            """
            INSERT INTO deadline_check (fire_at, ticket_id, kind, stage, due_at, channel, unit, co_units, received_at)
            SELECT hotline_time((r.planned->>'fireAt')::bigint), t.id, r.planned->>'kind', r.planned->>'stage',
                   hotline_time((r.planned->>'dueAt')::bigint), t.channel, t.unit, t.co_units, t.received_at
            FROM jsonb_to_recordset($1::jsonb) AS r(ticket text, planned jsonb) JOIN ticket t ON t.id = r.ticket
            """,
            try Self.json(tickets.flatMap { t in t.checks.map { CheckRow(ticket: t.ticket.id, planned: $0) } })
        )
        struct TokenRow: Encodable {
            var ticket: String
            var tokens: String
        }
        try await run(
            """
            WITH r AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(ticket text, tokens text)),
            c AS (
                INSERT INTO ticket_co_unit (ticket_id, unit)
                SELECT DISTINCT t.id, u FROM r JOIN ticket t ON t.id = r.ticket, jsonb_array_elements_text(t.co_units) AS u
            )
            INSERT INTO ticket_text (seq, tokens)
            SELECT t.seq, string_to_array(r.tokens, ' ') FROM r JOIN ticket t ON t.id = r.ticket
            """,
            try Self.json(
                tickets.map {
                    TokenRow(ticket: $0.ticket.id, tokens: SearchTerms.indexText($0.ticket.searchedText))
                }
            )
        )
    }

    /// A batch of tickets from their JSON (``Ticket``'s own coding, times in milliseconds),
    /// in the order given.
    static let insertTicketsSQL: String = {
        let times: Set<String> = [
            "received_at", "deadline", "dispatched_at", "claimed_at", "claim_by", "due_by", "replied_at", "rating_by",
            "callback_by", "phase_due_by", "extension_until", "closed_at", "reopened_at", "rated_at",
            "phase_started_at",
        ]
        let flags: Set<String> = [
            "overdue", "supervised", "long_term", "extension_pending", "extension_long_term", "solved",
            "unit_overdue", "resolve_overdue", "bad_rated", "called_back", "rectified", "extended", "claim_overdue",
            "centre_answered",
        ]
        let nested = [
            "citizen_name": "r.citizen->>'name'", "citizen_phone": "r.citizen->>'phone'",
            "district": "r.location->>'district'", "address": "r.location->>'address'",
        ]
        func field(_ column: String) -> String {
            let parts = column.split(separator: "_")
            return ([String(parts[0])] + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() })
                .joined()
        }
        var declared = ["citizen jsonb", "location jsonb"]
        var values: [String] = []
        for column in Ticket.postgresColumns {
            if let value = nested[column] {
                values.append(value)
                continue
            }
            let name = "\"\(field(column))\""
            switch column {
            case _ where times.contains(column):
                declared.append("\(name) bigint")
                values.append("hotline_time(r.\(name))")
            case _ where flags.contains(column):
                declared.append("\(name) boolean")
                // Ticket's coding leaves out a field that is nil (only `solved` may be) and
                // writes every flag.
                values.append(column == "solved" ? "r.\(name)" : "coalesce(r.\(name), false)")
            case "callback_attempts", "urged":
                declared.append("\(name) integer")
                values.append("r.\(name)")
            case "co_units", "knowledge":
                declared.append("\(name) jsonb")
                values.append("coalesce(r.\(name), '[]')")
            default:
                declared.append("\(name) text")
                values.append("r.\(name)")
            }
        }
        return """
            INSERT INTO ticket (\(Ticket.postgresColumns.joined(separator: ", ")))
            SELECT \(values.joined(separator: ", "))
            FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS a(j, n),
                 LATERAL jsonb_to_record(a.j) AS r(\(declared.joined(separator: ", ")))
            ORDER BY a.n
            """
    }()

    func write(_ imports: [TransferredImport]) async throws {
        guard !imports.isEmpty else { return }
        try await run(
            """
            INSERT INTO knowledge_import (id, started_at, uid, staged)
            SELECT r.id, hotline_time(r."startedAt"), r.uid, r.staged
            FROM jsonb_to_recordset($1::jsonb) AS r(id text, "startedAt" bigint, uid bigint, staged integer)
            """,
            try Self.json(imports)
        )
    }

    func write(_ entries: [TransferredEntry]) async throws {
        guard !entries.isEmpty else { return }
        struct EntryRow: Encodable {
            var n: Int
            var entry: KnowledgeEntry
            var note: String?
            var importID: String?
            var text: String
            var titleText: String
        }
        struct VersionRow: Encodable {
            var entry: KnowledgeEntry
            var note: String?
        }
        let rows = entries.enumerated().map { n, transferred in
            EntryRow(
                n: n,
                entry: transferred.entry,
                note: transferred.note,
                importID: transferred.importID,
                text: SearchTerms.indexText(transferred.entry.searchedText),
                titleText: SearchTerms.indexText([transferred.entry.title])
            )
        }
        let content = """
            title, body, category, keywords, version, created_at, updated_at, updated_by, retired, valid_until, note, uses
            """
        func values(_ e: String, _ note: String) -> String {
            """
            \(e)->>'title', \(e)->>'body', \(e)->>'category', \(e)->'keywords', (\(e)->>'version')::int,
            hotline_time((\(e)->>'createdAt')::bigint), hotline_time((\(e)->>'updatedAt')::bigint),
            (\(e)->>'updatedBy')::bigint, (\(e)->>'retired')::boolean, hotline_time((\(e)->>'validUntil')::bigint),
            \(note), (\(e)->>'uses')::int
            """
        }
        try await run(
            """
            WITH r AS (
                SELECT r.*, nextval('knowledge_entry_seq') AS seq
                FROM (SELECT * FROM jsonb_to_recordset($1::jsonb)
                      AS r(n int, entry jsonb, note text, "importID" text, text text, "titleText" text) ORDER BY n) AS r
            ), e AS (
                INSERT INTO knowledge_entry (seq, id, \(content), import_id)
                SELECT r.seq, r.entry->>'id', \(values("r.entry", "r.note")), r."importID" FROM r
                RETURNING seq
            ), x AS (
                INSERT INTO knowledge_text (seq, tokens) SELECT r.seq, string_to_array(r.text, ' ') FROM r JOIN e USING (seq)
            )
            INSERT INTO knowledge_title (seq, tokens)
            SELECT r.seq, string_to_array(r."titleText", ' ') FROM r JOIN e USING (seq)
            """,
            try Self.json(rows)
        )
        let versions = entries.flatMap { $0.versions.map { VersionRow(entry: $0.entry, note: $0.note) } }
        guard !versions.isEmpty else { return }
        try await run(
            """
            INSERT INTO knowledge_version (entry_id, \(content))
            SELECT r.entry->>'id', \(values("r.entry", "r.note"))
            FROM jsonb_to_recordset($1::jsonb) AS r(entry jsonb, note text)
            """,
            try Self.json(versions)
        )
    }
}
