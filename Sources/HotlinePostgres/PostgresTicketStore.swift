import Foundation
import HotlineCore
import HotlineStore
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// The PostgreSQL store: every intent of ``TicketStore`` as one transaction on the server,
/// so that any number of daemons may share the database. Nothing is kept in the process that
/// another daemon's writes could make stale: ticket numbers come from the server's
/// sequences, the idempotency key is the table's unique key, and the SLA clock's checks are
/// taken with `FOR UPDATE SKIP LOCKED`.
///
/// A Submit is one statement (its ticket, events, co-units, deadlines, checks and search
/// tokens written by the data-modifying parts of one `WITH`), so it costs the daemon one
/// round trip and the server one commit. Every commit waits for the server's disk
/// (`synchronous_commit = on`, set on each connection of the pool).
public final class PostgresTicketStore: TicketStore {
    /// How far back `possibleDuplicates` looks (contract §3: the last 30 days).
    public static let duplicateWindow: TimeInterval = 30 * 86400

    /// This is the PostgreSQL backend.
    public var backend: StorageBackend { .postgresql }

    /// The database and its pool.
    public let database: HotlineDatabase
    let logger: Logger

    /// A store on `database`, whose pool must be running; applies the migrations it lacks.
    public init(database: HotlineDatabase) async throws {
        self.database = database
        self.logger = database.logger
        try await database.migrate()
    }

    // MARK: Transactions

    /// Runs `body` in one transaction on one connection of the pool: committed when it
    /// returns, rolled back when it throws (the error rethrown as it was). A deadlock or a
    /// serialization failure the server reports is retried, up to three times.
    func transaction<R: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> R) async throws -> R
    {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await withConnection { connection in
                    try await connection.query("BEGIN", logger: self.logger)
                    do {
                        let result = try await body(connection)
                        try await connection.query("COMMIT", logger: self.logger)
                        return result
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: self.logger)
                        throw error
                    }
                }
            } catch let error as PSQLError where attempt < 4 && Self.isRetried(error) {
                continue
            }
        }
    }

    /// Runs one statement on its own (its own transaction) and returns its rows.
    func rows(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) async throws -> [PostgresRow] {
        try await withConnection { connection in
            try await Self.rows(sql, binds, on: connection, logger: self.logger)
        }
    }

    /// How long a call waits for a connection of the pool before it fails with
    /// ``DatabaseUnavailable`` (the pool itself would wait a minute while the server is away).
    static let connectionWait: Duration = .seconds(5)

    /// Runs `body` with a connection of the pool, or throws ``DatabaseUnavailable`` when none
    /// can be had within ``connectionWait``. Once `body` has its connection it runs to its end.
    ///
    /// The wait is bounded by a timer on an event loop (cheap: no task of its own) that
    /// cancels the call's lease request if it is still waiting; the call itself runs in one
    /// task, so that the timer can cancel it.
    func withConnection<R: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> R
    ) async throws -> R {
        let leased = LeaseFlag()
        let client = database.client
        let call = Task {
            try await client.withConnection { connection in
                leased.set()
                return try await body(connection)
            }
        }
        let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: Self.connectionTimeout) {
            if leased.expire() { call.cancel() }
        }
        defer { timer.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await call.value
            } onCancel: {
                call.cancel()
            }
        } catch  where leased.expired {
            throw DatabaseUnavailable(
                server: database.server.description,
                waited: Int(Self.connectionWait.components.seconds)
            )
        }
    }

    /// ``connectionWait`` for the event loop's timer.
    private static let connectionTimeout = TimeAmount.seconds(PostgresTicketStore.connectionWait.components.seconds)

    /// Runs a prepared statement on `connection` (parsed and planned once per connection)
    /// and collects its rows.
    static func rows<S: PostgresPreparedStatement>(
        _ statement: S,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [S.Row] {
        var rows: [S.Row] = []
        for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
        return rows
    }

    /// Runs one statement on `connection` and collects its rows.
    static func rows(
        _ sql: String,
        _ binds: PostgresBindings = PostgresBindings(),
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [PostgresRow] {
        let sequence = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        var rows: [PostgresRow] = []
        for try await row in sequence { rows.append(row) }
        return rows
    }

    /// `values` bound in order.
    static func bindings(_ values: any PostgresNonThrowingEncodable...) -> PostgresBindings {
        var binds = PostgresBindings(capacity: values.count)
        for value in values { binds.append(value) }
        return binds
    }

    /// Whether the server asks for the transaction to be tried again.
    static func isRetried(_ error: PSQLError) -> Bool {
        guard let code = error.serverInfo?[.sqlState] else { return false }
        return code == "40P01" || code == "40001"
    }

    // MARK: Submit

    /// Creates a ticket for a submission, or returns the existing one for a repeated
    /// idempotency key (`created: false`); a repeated key with other content is
    /// `submissionConflict`. Two daemons or connections racing the same key make one
    /// ticket: the insert of the second waits for the first to commit and then inserts
    /// nothing (`ON CONFLICT DO NOTHING`), and the second answers the first's ticket.
    public func submit(
        _ submission: Submission,
        lifecycle: Lifecycle,
        by caller: Caller,
        at now: Date
    ) async throws -> SubmitResult {
        let unnumbered = lifecycle.submit(submission, id: "", by: caller, at: now)
        let day = lifecycle.configuration.calendar.localDate(of: now)
        let dayKey = ReadableIDs.day(day)
        let plan = DeadlinePlan(
            ticket: unnumbered.ticket,
            existing: [:],
            warnFraction: lifecycle.configuration.sla.warnAt
        )
        var binds = unnumbered.ticket.postgresBindings
        binds.append(dayKey)  // replaces the id
        binds.append(EventRows.json(unnumbered.events))
        binds.append(unnumbered.ticket.coUnits)
        binds.append(plan.deadlinesJSON)
        binds.append(plan.checksJSON)
        binds.append(SearchTerms.indexText(unnumbered.ticket.searchedText))
        binds.append(unnumbered.ticket.citizen.phone)
        binds.append(unnumbered.ticket.category)
        binds.append(Instant(now.addingTimeInterval(-Self.duplicateWindow)))
        binds.append(Array(Set(submission.knowledge)))
        binds.append(NoticeRows.json(unnumbered.notices))
        let cited = submission.knowledge
        let statement = SubmitStatement(binds: binds)
        // One statement is its own transaction: a Submit citing nothing is one round trip.
        // Citations are checked first, in the same transaction.
        let rows: [PostgresRow] =
            if cited.isEmpty {
                try await withConnection { connection in
                    try await Self.rows(statement, on: connection, logger: self.logger)
                }
            } else {
                try await transaction { connection in
                    try await Self.checkEntriesInForce(cited, at: now, connection, logger: self.logger)
                    return try await Self.rows(statement, on: connection, logger: self.logger)
                }
            }
        let inserted = try rows.first.map { row in
            let cells = row.makeRandomAccess()
            return (id: try cells[0].decode(String.self), duplicates: try cells[1].decode([String].self))
        }
        if let inserted {
            let transition = unnumbered.identified(as: inserted.id)
            return SubmitResult(
                ticket: transition.ticket,
                created: true,
                possibleDuplicates: inserted.duplicates,
                events: transition.events,
                notices: transition.notices
            )
        }
        // The key was taken (before, or by a Submit that committed while this one waited).
        guard let existing = try await fetchTicket(channel: submission.channel, submissionId: submission.submissionId)
        else {
            throw StoreError.corrupt("ticket \(submission.channel.rawValue)/\(submission.submissionId) vanished")
        }
        if let field = submission.firstDifference(from: existing) {
            throw HotlineError.submissionConflict(id: existing.id, field: field)
        }
        return SubmitResult(
            ticket: existing,
            created: false,
            possibleDuplicates: try await duplicates(of: existing, now: now),
            events: [],
            notices: []
        )
    }

    /// The statement of a Submit: a new number is drawn only when the key is new (a repeated
    /// Submit, a client's retry, leaves no gap; only two racing the same new key may). Its
    /// binds are the ticket's columns with the day in place of the id, then (from `base` + 1) events, co-units, deadlines, checks, tokens, and the
    /// phone, category and window start of the duplicate search, the cited entries, and the
    /// notices (for every daemon's watchers, schema v5).
    static func submitSQL(base: Int) -> String {
        func p(_ n: Int) -> String { "$\(base + n)" }
        var values = Ticket.postgresColumns.enumerated().map { index, name in
            name == "co_units" || name == "knowledge" ? "$\(index + 1)::jsonb" : "$\(index + 1)"
        }
        values[0] = "hotline_next_ticket_id($\(base + 1))"
        return """
            WITH t AS (
                INSERT INTO ticket (\(Ticket.postgresColumns.joined(separator: ", ")))
                SELECT \(values.joined(separator: ", "))
                WHERE NOT EXISTS (SELECT 1 FROM ticket WHERE channel = $2 AND submission_id = $3)
                ON CONFLICT (channel, submission_id) DO NOTHING
                RETURNING seq, id
            ), e AS (
                INSERT INTO event (ticket_id, at, kind, actor_uid, role, unit, note)
                SELECT t.id, hotline_time(r.at), r.kind, r.actor, r.role, r.unit, r.note
                FROM t, jsonb_to_recordset(\(p(2))::jsonb) AS r(n int, at bigint, kind text, actor bigint, role text, unit text, note text)
                ORDER BY r.n
            ), c AS (
                INSERT INTO ticket_co_unit (ticket_id, unit) SELECT t.id, u FROM t, unnest(\(p(3))::text[]) AS u
            ), d AS (
                INSERT INTO deadline (ticket_id, kind, start_at, warn_at, due_at)
                SELECT t.id, r.kind, hotline_time(r.start_at), hotline_time(r.warn_at), hotline_time(r.due_at)
                FROM t, jsonb_to_recordset(\(p(4))::jsonb) AS r(kind text, start_at bigint, warn_at bigint, due_at bigint)
            ), k AS (
                INSERT INTO deadline_check (fire_at, ticket_id, kind, stage, due_at, channel, unit, co_units, received_at)
                SELECT hotline_time(r.fire_at), t.id, r.kind, r.stage, hotline_time(r.due_at), $2, $13, $14::jsonb, $15
                FROM t, jsonb_to_recordset(\(p(5))::jsonb) AS r(fire_at bigint, kind text, stage text, due_at bigint)
            ), x AS (
                INSERT INTO ticket_text (seq, tokens) SELECT t.seq, string_to_array(\(p(6))::text, ' ') FROM t
            ), u AS (
                UPDATE knowledge_entry SET uses = uses + 1 WHERE id = ANY(\(p(10))::text[]) AND EXISTS (SELECT 1 FROM t)
            ), n AS (
                \(NoticeRows.insertSQL(records: p(11), ticket: "t.id", from: "t, "))
            )
            SELECT t.id, ARRAY(
                SELECT o.id FROM ticket o
                WHERE \(p(7))::text IS NOT NULL AND o.citizen_phone = \(p(7))::text
                  AND o.category IS NOT DISTINCT FROM \(p(8))::text AND o.received_at >= \(p(9))
                  AND o.status <> 'closed'
                ORDER BY o.seq LIMIT 20
            ) FROM t
            """
    }

    // MARK: Commands

    /// Applies a lifecycle command to ticket `id` and records it, in one transaction that
    /// holds the ticket's row lock from its read to the commit.
    public func apply(
        _ command: TicketCommand,
        to id: String,
        lifecycle: Lifecycle,
        by caller: Caller,
        at now: Date
    ) async throws -> Transition {
        try await transaction { connection in
            var cited: [String] = []
            if case .answer(_, let knowledge) = command {
                try await Self.checkEntriesInForce(knowledge, at: now, connection, logger: self.logger)
                cited = knowledge
            }
            guard let locked = try await Self.lockForChange(id, connection, logger: self.logger) else {
                throw HotlineError.noSuchTicket(id: id)
            }
            if case .merge(let into) = command, into != id,
                try await Self.rows(
                    "SELECT 1 FROM ticket WHERE id = $1",
                    Self.bindings(into),
                    on: connection,
                    logger: self.logger
                )
                .isEmpty
            {
                throw HotlineError.noSuchTicket(id: into)
            }
            let transition = try lifecycle.apply(command, to: locked.ticket, by: caller, at: now)
            try await Self.write(
                transition.ticket,
                locked: locked,
                events: transition.events,
                notices: transition.notices,
                cited: cited,
                warnFraction: lifecycle.configuration.sla.warnAt,
                connection,
                logger: self.logger
            )
            return transition
        }
    }

    /// A ticket read for a change: the ticket (its overdue flags completed by its unfolded
    /// passings), those passings, and its deadline definitions.
    struct LockedTicket {
        var ticket: Ticket
        var passings: [TicketEvent]
        var deadlines: [String: DeadlinePlan.Definition]
    }

    /// Reads ticket `id` for a change, taking its row lock; nil when there is none.
    static func lockForChange(
        _ id: String,
        _ connection: PostgresConnection,
        logger: Logger
    ) async throws -> LockedTicket? {
        let rows = try await Self.rows(
            """
            SELECT \(Ticket.postgresCompletedColumns("t")),
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('kind', p.kind, 'at', hotline_ms(p.at), 'unit', p.unit)
                                              ORDER BY p.at, p.kind), '[]')
                    FROM deadline_passed p WHERE p.ticket_id = t.id)::text,
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('kind', d.kind, 'warn_at', hotline_ms(d.warn_at),
                                                                 'due_at', hotline_ms(d.due_at))), '[]')
                    FROM deadline d WHERE d.ticket_id = t.id)::text
            FROM ticket t WHERE t.id = $1 FOR UPDATE OF t
            """,
            Self.bindings(id),
            on: connection,
            logger: logger
        )
        guard let row = rows.first else { return nil }
        let columns = Ticket.postgresColumns.count
        let ticket = try Ticket(postgresRow: row)
        let cells = row.makeRandomAccess()
        let passings = try PassingRows.events(fromJSON: cells[columns].decode(String.self))
        let deadlines = try DeadlinePlan.definitions(fromJSON: cells[columns + 1].decode(String.self))
        return LockedTicket(ticket: ticket, passings: passings, deadlines: deadlines)
    }

    /// Writes `ticket` over the locked row in one statement: the row, its unfolded passings
    /// folded (their `overdue` events first, then `events`), co-units, deadline definitions
    /// and checks as they must now be, the search tokens when the text changed, a use of each
    /// cited entry, and the change's notices.
    static func write(
        _ ticket: Ticket,
        locked: LockedTicket,
        events: [TicketEvent],
        notices: [Notice],
        cited: [String],
        warnFraction: Double,
        _ connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let previous = locked.ticket
        let plan = DeadlinePlan(
            ticket: ticket,
            existing: locked.deadlines,
            warnFraction: warnFraction
        )
        var binds = ticket.postgresBindings
        binds.append(PassingRows.keysJSON(locked.passings))
        binds.append(EventRows.json(locked.passings + events))
        binds.append(ticket.coUnits != previous.coUnits)
        binds.append(ticket.coUnits)
        binds.append(plan.removedKinds)
        binds.append(plan.deadlinesJSON)
        binds.append(plan.removedChecksJSON)
        binds.append(plan.checksJSON)
        binds.append(
            ticket.searchedText != previous.searchedText ? SearchTerms.indexText(ticket.searchedText) : nil
        )
        binds.append(Array(Set(cited)))
        binds.append(plan.keptKinds)
        binds.append(NoticeRows.json(notices))
        _ = try await Self.rows(ChangeStatement(binds: binds), on: connection, logger: logger)
    }

    /// The statement of ``write(_:locked:events:notices:cited:warnFraction:_:logger:)``: its binds are
    /// the ticket's columns, then (from `base` + 1) the passings folded, the events, whether
    /// the co-units changed and what they are, the deadline kinds removed, the definitions
    /// written, the checks removed and written, the new tokens (NULL when the text did not
    /// change), the cited entries, the deadline kinds kept (whose checks learn the lead unit
    /// and co-units anew), and the notices.
    static func changeSQL(base: Int) -> String {
        func p(_ n: Int) -> String { "$\(base + n)" }
        let assignments = Ticket.postgresColumns.enumerated().dropFirst().map { index, name in
            name == "co_units" || name == "knowledge" ? "\(name) = $\(index + 1)::jsonb" : "\(name) = $\(index + 1)"
        }
        return """
            WITH u AS (
                UPDATE ticket SET \(assignments.joined(separator: ", ")) WHERE id = $1 RETURNING seq
            ), pd AS (
                DELETE FROM deadline_passed p USING jsonb_to_recordset(\(p(1))::jsonb) AS r(kind text, at bigint)
                WHERE p.ticket_id = $1 AND p.kind = r.kind AND p.at = hotline_time(r.at)
            ), e AS (
                INSERT INTO event (ticket_id, at, kind, actor_uid, role, unit, note)
                SELECT $1, hotline_time(r.at), r.kind, r.actor, r.role, r.unit, r.note
                FROM jsonb_to_recordset(\(p(2))::jsonb) AS r(n int, at bigint, kind text, actor bigint, role text, unit text, note text)
                ORDER BY r.n
            ), cd AS (
                DELETE FROM ticket_co_unit WHERE \(p(3))::boolean AND ticket_id = $1 AND unit <> ALL(\(p(4))::text[])
            ), ci AS (
                INSERT INTO ticket_co_unit (ticket_id, unit) SELECT $1, c FROM unnest(\(p(4))::text[]) AS c
                WHERE \(p(3))::boolean ON CONFLICT DO NOTHING
            ), dd AS (
                DELETE FROM deadline WHERE ticket_id = $1 AND kind = ANY(\(p(5))::text[])
            ), du AS (
                INSERT INTO deadline (ticket_id, kind, start_at, warn_at, due_at)
                SELECT $1, r.kind, hotline_time(r.start_at), hotline_time(r.warn_at), hotline_time(r.due_at)
                FROM jsonb_to_recordset(\(p(6))::jsonb) AS r(kind text, start_at bigint, warn_at bigint, due_at bigint)
                ON CONFLICT (ticket_id, kind) DO UPDATE
                    SET start_at = excluded.start_at, warn_at = excluded.warn_at, due_at = excluded.due_at
            ), kd AS (
                DELETE FROM deadline_check c USING jsonb_to_recordset(\(p(7))::jsonb) AS r(fire_at bigint, kind text, stage text)
                WHERE c.fire_at = hotline_time(r.fire_at) AND c.ticket_id = $1 AND c.kind = r.kind AND c.stage = r.stage
            ), ki AS (
                INSERT INTO deadline_check (fire_at, ticket_id, kind, stage, due_at, channel, unit, co_units, received_at)
                SELECT hotline_time(r.fire_at), $1, r.kind, r.stage, hotline_time(r.due_at), $2, $13, $14::jsonb, $15
                FROM jsonb_to_recordset(\(p(8))::jsonb) AS r(fire_at bigint, kind text, stage text, due_at bigint)
                ON CONFLICT (fire_at, ticket_id, kind, stage) DO UPDATE SET due_at = excluded.due_at
            ), x AS (
                UPDATE ticket_text SET tokens = string_to_array(\(p(9))::text, ' ')
                WHERE \(p(9))::text IS NOT NULL AND seq = (SELECT seq FROM u)
            ), k AS (
                UPDATE knowledge_entry SET uses = uses + 1 WHERE id = ANY(\(p(10))::text[])
            ), ku AS (
                UPDATE deadline_check SET unit = $13, co_units = $14::jsonb
                WHERE ticket_id = $1 AND kind = ANY(\(p(11))::text[])
                  AND (unit IS DISTINCT FROM $13 OR co_units <> $14::jsonb)
            ), n AS (
                \(NoticeRows.insertSQL(records: p(12)))
            )
            SELECT count(*) FROM u
            """
    }

    // MARK: Reading

    /// The ticket and its history, if `caller` may see it.
    public func ticket(_ id: String, visibleTo caller: Caller) async throws -> (Ticket, [TicketEvent]) {
        let rows = try await rows(
            """
            SELECT \(Ticket.postgresCompletedColumns("t")),
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('n', e.seq, 'at', hotline_ms(e.at), 'kind', e.kind,
                        'actor', e.actor_uid, 'role', e.role, 'unit', e.unit, 'note', e.note) ORDER BY e.seq), '[]')
                    FROM event e WHERE e.ticket_id = t.id)::text,
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('kind', p.kind, 'at', hotline_ms(p.at), 'unit', p.unit)
                                              ORDER BY p.at, p.kind), '[]')
                    FROM deadline_passed p WHERE p.ticket_id = t.id)::text
            FROM ticket t WHERE t.id = $1
            """,
            Self.bindings(id)
        )
        guard let row = rows.first else { throw HotlineError.noSuchTicket(id: id) }
        let ticket = try Ticket(postgresRow: row)
        guard ticket.isVisible(to: caller.role) else { throw HotlineError.noSuchTicket(id: id) }
        let cells = row.makeRandomAccess()
        let columns = Ticket.postgresColumns.count
        let events = try EventRows.events(fromJSON: cells[columns].decode(String.self))
        let passings = try PassingRows.events(fromJSON: cells[columns + 1].decode(String.self))
        return (ticket, events + passings)
    }

    /// One page of tickets matching `query` that `caller` may see, oldest first.
    public func list(_ query: TicketQuery, visibleTo caller: Caller) async throws -> (tickets: [Ticket], next: String?)
    {
        var conditions: [String] = []
        var binds = PostgresBindings()
        func bind<T: PostgresNonThrowingEncodable>(_ value: T) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let unit = caller.role.unitID { conditions.append(Self.involvesUnit(bind(unit))) }
        if let unit = query.unit { conditions.append(Self.involvesUnit(bind(unit))) }
        if !query.statuses.isEmpty {
            conditions.append("t.status = ANY(\(bind(query.statuses.map(\.rawValue)))::text[])")
        }
        if let overdue = query.overdue {
            conditions.append("(t.overdue OR \(Self.unfoldedPassing(of: "t"))) = \(bind(overdue))")
        }
        if let supervised = query.supervised { conditions.append("t.supervised = \(bind(supervised))") }
        if let after = query.after {
            conditions.append("t.seq > (SELECT seq FROM ticket WHERE id = \(bind(after)))")
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let limit = bind(query.limit + 1)
        let sql = """
            SELECT \(Ticket.postgresCompletedColumns("t")) FROM ticket t \(whereClause) ORDER BY t.seq LIMIT \(limit)
            """
        if let after = query.after, try await rows("SELECT 1 FROM ticket WHERE id = $1", Self.bindings(after)).isEmpty {
            throw HotlineError.invalidParameter(parameter: "after", reason: "not a cursor this daemon gave out")
        }
        var tickets = try await rows(sql, binds).map { try Ticket(postgresRow: $0) }
        var next: String?
        if tickets.count > query.limit {
            tickets.removeLast()
            next = tickets.last?.id
        }
        return (tickets, next)
    }

    /// The figures of `Status`, each counted through an index (as on SQLite: the health
    /// check runs this every few seconds).
    public func statusCounts() async throws -> StatusCounts {
        let open = TicketStatus.allCases.filter { $0 != .closed }.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let rows = try await rows(
            """
            SELECT
              (SELECT count(*) FROM ticket WHERE status IN (\(open))),
              (SELECT count(*) FROM ticket WHERE status = 'pending'),
              (SELECT count(*) FROM ticket WHERE overdue AND status IN (\(open)))
                + (SELECT count(*) FROM ticket WHERE id IN (SELECT ticket_id FROM deadline_passed)
                   AND NOT overdue AND status IN (\(open))),
              (SELECT count(*) FROM ticket WHERE status = 'callback')
            """
        )
        let (open_, pending, overdue, callbacks) = try rows[0].decode((Int, Int, Int, Int).self)
        return StatusCounts(open: open_, pending: pending, overdue: overdue, callbacksDue: callbacks)
    }

    // MARK: Operations

    /// What the stop entry of the journal reports: the pool's server.
    public func finish() -> [(name: String, value: String)] {
        [("database_server", database.server.description)]
    }

    // MARK: Helpers

    /// A condition on `ticket t`: the unit bound at `placeholder` leads or co-handles it.
    static func involvesUnit(_ placeholder: String) -> String {
        "(t.unit = \(placeholder) OR EXISTS (SELECT 1 FROM ticket_co_unit c WHERE c.ticket_id = t.id AND c.unit = \(placeholder)))"
    }

    /// The ticket with idempotency key (`channel`, `submissionId`).
    func fetchTicket(channel: SubmissionChannel, submissionId: String) async throws -> Ticket? {
        try await rows(
            "SELECT \(Ticket.postgresCompletedColumns("t")) FROM ticket t WHERE t.channel = $1 AND t.submission_id = $2",
            Self.bindings(channel.rawValue, submissionId)
        ).first.map { try Ticket(postgresRow: $0) }
    }

    /// Open tickets with the phone and category of `ticket` from the last 30 days, but itself.
    func duplicates(of ticket: Ticket, now: Date) async throws -> [String] {
        guard let phone = ticket.citizen.phone else { return [] }
        var binds = PostgresBindings()
        binds.append(phone)
        binds.append(ticket.category)
        binds.append(Instant(now.addingTimeInterval(-Self.duplicateWindow)))
        binds.append(ticket.id)
        return try await rows(
            """
            SELECT id FROM ticket
            WHERE citizen_phone = $1 AND category IS NOT DISTINCT FROM $2::text AND received_at >= $3
              AND status <> 'closed' AND id <> $4
            ORDER BY seq LIMIT 20
            """,
            binds
        ).map { try $0.decode(String.self) }
    }

}

/// Whether a call has its connection, or its wait expired first (shared by the call and its
/// timer).
private final class LeaseFlag: Sendable {
    private enum State { case waiting, leased, expired }
    private let state = Mutex(State.waiting)

    /// The call has its connection (unless its wait expired).
    func set() { state.withLock { if $0 == .waiting { $0 = .leased } } }

    /// The wait is over: true when the call was still waiting (it is cancelled then).
    func expire() -> Bool {
        state.withLock {
            guard $0 == .waiting else { return false }
            $0 = .expired
            return true
        }
    }

    /// Whether the wait expired before a connection came.
    var expired: Bool { state.withLock { $0 == .expired } }
}

/// A Submit's statement, prepared once per connection (its plan is most of the server's work
/// for a Submit when parsed anew each time).
struct SubmitStatement: PostgresPreparedStatement {
    static let sql = PostgresTicketStore.submitSQL(base: Ticket.postgresColumns.count)
    static let name = "hotline_submit"
    typealias Row = PostgresRow
    let binds: PostgresBindings

    func makeBindings() -> PostgresBindings { binds }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

/// A ticket change's statement, prepared once per connection.
struct ChangeStatement: PostgresPreparedStatement {
    static let sql = PostgresTicketStore.changeSQL(base: Ticket.postgresColumns.count)
    static let name = "hotline_change"
    typealias Row = PostgresRow
    let binds: PostgresBindings

    func makeBindings() -> PostgresBindings { binds }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}
