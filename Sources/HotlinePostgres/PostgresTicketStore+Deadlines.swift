import Foundation
import HotlineCore
import HotlineStore
import Logging
import PostgresNIO

/// The SLA clock on PostgreSQL: the same queue of checks in time order and the same small
/// table of passings not yet folded as on SQLite, so that 10,000 deadlines passing at once
/// write 10,000 small rows, not 10,000 tickets and their events. Every read completes a
/// ticket with its unfolded passings; a command folds its ticket's passings as it writes it;
/// the daemon folds the rest in the background.
extension PostgresTicketStore {
    /// Which passings a flag stands for.
    enum PassingKinds {
        /// Any deadline (`overdue`).
        case any
        /// Those that count against the unit (`unit_overdue`).
        case units
        /// The resolve deadline (`resolve_overdue`).
        case resolve
        /// The claim deadline (`claim_overdue`).
        case claim

        var condition: String {
            switch self {
            case .any: ""
            case .units: " AND p.kind IN ('claim', 'resolve', 'phase')"
            case .resolve: " AND p.kind = 'resolve'"
            case .claim: " AND p.kind = 'claim'"
            }
        }
    }

    /// An SQL condition: the ticket of `table` has an unfolded passing of `kinds`.
    static func unfoldedPassing(of table: String, kinds: PassingKinds = .any) -> String {
        "EXISTS (SELECT 1 FROM deadline_passed p WHERE p.ticket_id = \(table).id\(kinds.condition))"
    }

    /// The earliest moment a running deadline needs the clock, if any.
    public func nextDeadlineCheck() async throws -> Date? {
        try await rows("SELECT hotline_ms(min(fire_at)) FROM deadline_check").first
            .flatMap { try $0.decode(Int64?.self) }
            .map(Date.init(millis:))
    }

    /// Takes up to `batchSize` checks whose time has come from the front of the queue, in one
    /// transaction: due-soon points give their notices; passed deadlines are recorded in
    /// `deadline_passed`; the checks are deleted; rating windows that closed close their
    /// tickets. Checks are taken `FOR UPDATE SKIP LOCKED`, so two daemons sweeping at once
    /// take disjoint batches and each check is acted on once.
    ///
    /// Taking, deleting and recording are one statement: the checks are deleted as they are
    /// locked and the passings written from the deleted rows, so a batch costs one round trip
    /// and the server reads each check once. A large batch is taken as two halves in two
    /// transactions on two connections at once (disjoint, by the same row locks), so that the
    /// server works on both halves with two processors.
    public func sweepBatch(at now: Date, warnFraction: Double, batchSize: Int) async throws -> SweepResult {
        guard batchSize >= Self.splitSweepBatch else {
            return try await sweepPart(at: now, warnFraction: warnFraction, limit: batchSize)
        }
        async let first = sweepPart(at: now, warnFraction: warnFraction, limit: batchSize / 2)
        async let second = sweepPart(at: now, warnFraction: warnFraction, limit: batchSize - batchSize / 2)
        let (a, b) = try await (first, second)
        return SweepResult(
            examined: a.examined + b.examined,
            more: a.more || b.more,
            passed: a.passed + b.passed,
            closed: a.closed + b.closed,
            notices: a.notices + b.notices
        )
    }

    /// The smallest batch ``sweepBatch(at:warnFraction:batchSize:)`` takes in two halves.
    static let splitSweepBatch = 200

    /// The statement of a sweep batch: up to `$2` checks due at `$1` (milliseconds) taken
    /// `FOR UPDATE SKIP LOCKED` and deleted, the passings of the due ones written, the taken
    /// checks returned in queue order. Public for the benchmark's floor, which runs the very
    /// same statement with no daemon in between.
    public static let sweepBatchSQL = """
        WITH d AS (
            DELETE FROM deadline_check c
            WHERE c.ctid = ANY(ARRAY(
                SELECT ctid FROM deadline_check
                WHERE fire_at <= hotline_time($1)
                ORDER BY fire_at, ticket_id, kind, stage
                LIMIT $2
                FOR UPDATE SKIP LOCKED
            ))
            RETURNING c.*
        ), p AS (
            INSERT INTO deadline_passed (ticket_id, kind, at, unit)
            SELECT ticket_id, kind, hotline_time($1), CASE WHEN kind = 'callback' THEN NULL ELSE unit END
            FROM d WHERE stage = 'due' AND kind <> 'rating'
            ON CONFLICT DO NOTHING
        )
        SELECT ticket_id, kind, stage, hotline_ms(due_at), channel, unit, co_units::text, hotline_ms(received_at)
        FROM d
        ORDER BY fire_at, ticket_id, kind, stage
        """

    /// One transaction of a sweep: up to `limit` checks taken, acted on and deleted.
    private func sweepPart(at now: Date, warnFraction: Double, limit batchSize: Int) async throws -> SweepResult {
        let clock = SLAClock()
        // To the nearest millisecond, as on SQLite: an instant given to the millisecond may
        // sit a hair below it as a Double.
        let nowMillis = Int64((now.timeIntervalSince1970 * 1000).rounded())
        return try await transaction { connection in
            let rows = try await Self.rows(
                Self.sweepBatchSQL,
                Self.bindings(nowMillis, batchSize),
                on: connection,
                logger: self.logger
            )
            var result = SweepResult(examined: 0, more: rows.count >= batchSize, passed: [], closed: [], notices: [])
            var closing: [DeadlineCheck] = []
            for row in rows {
                let (ticketID, kindName, stageName, dueAt, channelName, unit, coUnits, receivedAt) =
                    try row.decode((String, String, String, Int64, String, String?, String, Int64).self)
                guard let kind = DeadlineKind(rawValue: kindName), let stage = DeadlineCheck.Stage(rawValue: stageName),
                    let channel = SubmissionChannel(rawValue: channelName)
                else {
                    throw StoreError.corrupt("deadline_check \(ticketID) \(kindName) \(stageName)")
                }
                let check = DeadlineCheck(
                    ticketID: ticketID,
                    kind: kind,
                    stage: stage,
                    due: Date(millis: dueAt),
                    channel: channel,
                    unit: unit,
                    coUnits: StoredList.values(fromJSON: coUnits),
                    receivedAt: Date(millis: receivedAt),
                    replied: false
                )
                result.examined += 1
                if kind == .rating {
                    closing.append(check)
                    continue
                }
                if let notice = clock.notice(for: check, at: now) { result.notices.append(notice) }
                if stage == .due { result.passed.append(check) }
            }
            // The clock's own notices, for every daemon's watchers (a closed rating window's
            // are written with its change, below).
            if !result.notices.isEmpty {
                var binds = PostgresBindings()
                binds.append(NoticeRows.json(result.notices))
                _ = try await Self.rows(NoticeRows.insertSQL(records: "$1"), binds, on: connection, logger: self.logger)
            }
            for check in closing {
                guard
                    let transition = try await Self.closeRatingWindow(
                        check,
                        clock: clock,
                        at: now,
                        warnFraction: warnFraction,
                        connection,
                        logger: self.logger
                    )
                else { continue }
                result.closed.append(transition)
                result.notices += transition.notices
            }
            return result
        }
    }

    /// The rating window of a replied ticket has passed unrated: the ticket closes, read,
    /// changed and written like any command (under its row lock).
    private static func closeRatingWindow(
        _ check: DeadlineCheck,
        clock: SLAClock,
        at now: Date,
        warnFraction: Double,
        _ connection: PostgresConnection,
        logger: Logger
    ) async throws -> Transition? {
        guard let locked = try await lockForChange(check.ticketID, connection, logger: logger),
            locked.ticket.status == .replied, locked.ticket.ratingBy?.millis == check.due.millis
        else { return nil }
        let ticket = locked.ticket
        let deadline = Deadline(
            kind: .rating,
            start: ticket.repliedAt ?? check.due,
            due: check.due,
            warnAt: check.due,
            state: .open
        )
        let outcome = clock.fire(deadline, of: ticket, at: now)
        guard outcome.ticket != ticket else { return nil }
        try await write(
            outcome.ticket,
            locked: locked,
            events: outcome.events,
            notices: outcome.notices,
            cited: [],
            warnFraction: warnFraction,
            connection,
            logger: logger
        )
        return Transition(ticket: outcome.ticket, events: outcome.events, notices: outcome.notices)
    }

    /// Folds the passings of up to `limit` tickets in one statement: their `overdue` events
    /// appended, their flags set, the passings deleted. Tickets another transaction holds
    /// (a command folding them itself) are skipped; returns how many were folded.
    public func foldPassedDeadlines(limit: Int) async throws -> Int {
        var binds = PostgresBindings()
        binds.append(limit)
        let rows = try await rows(
            """
            WITH f AS (
                SELECT id FROM ticket
                WHERE id IN (SELECT ticket_id FROM deadline_passed GROUP BY ticket_id LIMIT $1)
                FOR UPDATE SKIP LOCKED
            ), p AS (
                DELETE FROM deadline_passed d USING f WHERE d.ticket_id = f.id
                RETURNING d.ticket_id, d.kind, d.at, d.unit
            ), e AS (
                INSERT INTO event (ticket_id, at, kind, actor_uid, role, unit, note)
                SELECT ticket_id, at, 'overdue', 0, 'system', unit, kind FROM p ORDER BY ticket_id, at, kind
            ), u AS (
                UPDATE ticket t
                SET overdue = true, unit_overdue = t.unit_overdue OR g.units,
                    resolve_overdue = t.resolve_overdue OR g.resolve, claim_overdue = t.claim_overdue OR g.claim
                FROM (
                    SELECT ticket_id, bool_or(kind IN ('claim', 'resolve', 'phase')) AS units,
                           bool_or(kind = 'resolve') AS resolve, bool_or(kind = 'claim') AS claim
                    FROM p GROUP BY ticket_id
                ) g
                WHERE t.id = g.ticket_id
            )
            SELECT count(*) FROM f
            """,
            binds
        )
        return try rows.first?.decode(Int.self) ?? 0
    }

    /// How many tickets have passings not yet folded.
    public func unfoldedPassingCount() async throws -> Int {
        try await rows("SELECT count(DISTINCT ticket_id) FROM deadline_passed").first?.decode(Int.self) ?? 0
    }

    /// Nothing waits for the search index: a ticket's tokens are written with it.
    public func indexQueuedForSearch(limit: Int) async throws -> Int { 0 }
}
