import Foundation
import GRDB
import GRDBSQLite
import HotlineCore
import HotlineStore

extension SQLiteTicketStore {
    /// The earliest moment a running deadline needs the clock, if any: the front of the
    /// time-ordered `deadlineCheck`.
    public func nextDeadlineCheck() async throws -> Date? {
        try await reader.read { db in
            try Int64.fetchOne(db, sql: "SELECT min(fireAt) FROM deadlineCheck").map(Date.init(millis:))
        }
    }

    /// Runs one batch of the SLA clock for `now`: takes up to `batchSize` checks whose time
    /// has come from the front of `deadlineCheck` and acts on them in one transaction. Call
    /// it again while `more` is true.
    ///
    /// A due-soon point only sends its notice. A passed deadline is written as set-based
    /// statements over the batch, never as rows found by ticket: its passing into the small
    /// `deadlinePassed` (which stands for the ticket's overdue flags and `overdue` event
    /// until ``foldPassedDeadlines(limit:)`` writes them), the day figures per day and unit,
    /// and the checks' removal from the queue's front. Only a rating window closing (a
    /// status change) goes through the ticket itself.
    public func sweepBatch(at now: Date, warnFraction: Double, batchSize: Int = 5000) async throws -> SweepResult {
        let clock = SLAClock()
        // To the nearest millisecond: an instant given to the millisecond (SetTime) may sit a
        // hair below it as a Double, and must not miss the checks of that millisecond.
        let nowMillis = Int64((now.timeIntervalSince1970 * 1000).rounded())
        return try await writer.write { db -> SweepResult in
            var result = SweepResult(examined: 0, more: false, passed: [], closed: [], notices: [])
            result.passed.reserveCapacity(batchSize)
            result.notices.reserveCapacity(batchSize)
            // The unit figures' changes, by lead unit and hour of receipt, and the facts of the
            // tickets whose deadlines passed earlier in this batch.
            var rollup = RollupDeltas()
            var batchFacts: [String: StatsFacts] = [:]
            batchFacts.reserveCapacity(batchSize)
            var closing: [DeadlineCheck] = []
            var last: (fireAt: Int64, check: DeadlineCheck)?
            // One row more than the batch, to know whether another batch is needed.
            // Read straight from SQLite: GRDB's row decoding cost more than SQLite's own work here.
            try db.cachedStatement(sql: Self.takeChecksSQL).forEachRow([
                nowMillis.databaseValue, (batchSize + 1).databaseValue,
            ]) { row in
                guard result.examined < batchSize else {
                    result.more = true
                    return
                }
                let check = DeadlineCheck(sweepRow: row)
                result.examined += 1
                last = (sqlite3_column_int64(row, 0), check)
                if check.kind == .rating {
                    closing.append(check)
                    return
                }
                if let notice = clock.notice(for: check, at: now) { result.notices.append(notice) }
                guard check.stage == .due else { return }
                result.passed.append(check)
                // The unit's figures move from the ticket's facts before this passing to those
                // after it: as the check carries them, completed by passings not yet folded
                // and by those earlier in this batch.
                guard let unit = check.unit, check.kind.isUnits else { return }
                let before =
                    batchFacts[check.ticketID]
                    ?? {
                        var facts = StatsFacts()
                        facts.replied = check.replied
                        facts.unitOverdue = check.unitOverdue || sqlite3_column_int64(row, 12) != 0
                        facts.resolveOverdue = check.resolveOverdue || sqlite3_column_int64(row, 13) != 0
                        return facts
                    }()
                let after = before.passing(check.kind)
                rollup.add(from: before, to: after, unit: unit, receivedAt: check.receivedAt)
                batchFacts[check.ticketID] = after
            }
            guard let last else { return result }
            // The batch is the queue's front up to its last key: the passings are recorded and
            // the checks removed as that range of the primary key.
            let key = [
                last.fireAt.databaseValue, last.check.ticketID.databaseValue, last.check.kind.rawValue.databaseValue,
                last.check.stage.rawValue.databaseValue,
            ]
            try db.cachedStatement(sql: Self.recordPassingsSQL).run([nowMillis.databaseValue] + key)
            try db.cachedStatement(sql: Self.removeTakenSQL).run(key)
            try rollup.write(db)
            for check in closing {
                guard
                    let transition = try Self.closeRatingWindow(
                        check,
                        clock: clock,
                        at: now,
                        warnFraction: warnFraction,
                        db
                    )
                else {
                    continue
                }
                result.closed.append(transition)
                result.notices += transition.notices
            }
            return result
        }
    }

    /// The rating window of a replied ticket has passed unrated: the ticket closes (a status
    /// change, so it is read, changed and written like any command).
    private static func closeRatingWindow(
        _ check: DeadlineCheck,
        clock: SLAClock,
        at now: Date,
        warnFraction: Double,
        _ db: Database
    ) throws -> Transition? {
        try foldPassings(of: check.ticketID, db)
        guard let ticket = try fetch(check.ticketID, db), ticket.status == .replied,
            ticket.ratingBy?.millis == check.due.millis
        else {
            return nil
        }
        let deadline = Deadline(
            kind: .rating,
            start: ticket.repliedAt ?? check.due,
            due: check.due,
            warnAt: check.due,
            state: .open
        )
        let outcome = clock.fire(deadline, of: ticket, at: now)
        guard outcome.ticket != ticket else { return nil }
        try update(outcome.ticket, previous: ticket, db, coUnitsChanged: false)
        try append(outcome.events, to: ticket.id, db)
        try syncDeadlines(of: outcome.ticket, previous: ticket, warnFraction: warnFraction, db)
        try rollUp(from: ticket, to: outcome.ticket, db)
        return Transition(ticket: outcome.ticket, events: outcome.events, notices: outcome.notices)
    }

    /// The checks whose time has come, from the queue's front in key order, with whether the
    /// ticket had already passed a deadline that counts against the unit, and a resolve
    /// deadline (for the figures): as the check recorded it when written or last folded, or
    /// since then, from a passing not yet folded (a key seek in the small `deadlinePassed`).
    /// Kinds and channels come as their positions in `allCases`, the stage as whether it is
    /// `due`, co-units as NULL when there are none: SQLite compares them faster than Swift
    /// decodes strings.
    private static let takeChecksSQL = """
        SELECT c.fireAt, c.ticketId, \(position("c.kind", DeadlineKind.self)), c.stage = 'due', c.dueAt,
               \(position("c.channel", SubmissionChannel.self)), c.unit, nullif(c.coUnits, '[]'), c.receivedAt, c.replied,
               c.unitOverdue, c.resolveOverdue,
               CASE WHEN c.stage <> 'due' OR NOT (c.kind = 'claim' OR c.kind = 'resolve' OR c.kind = 'phase') THEN 0
                    WHEN c.unitOverdue THEN 1
                    ELSE EXISTS (SELECT 1 FROM deadlinePassed p WHERE p.ticketId = c.ticketId
                                 AND (p.kind = 'claim' OR p.kind = 'resolve' OR p.kind = 'phase')) END,
               CASE WHEN c.stage <> 'due' OR c.kind <> 'resolve' OR c.replied = 0 THEN 0
                    WHEN c.resolveOverdue THEN 1
                    ELSE EXISTS (SELECT 1 FROM deadlinePassed p WHERE p.ticketId = c.ticketId AND p.kind = 'resolve') END
        FROM deadlineCheck c WHERE c.fireAt <= ? ORDER BY c.fireAt, c.ticketId, c.kind, c.stage LIMIT ?
        """
    /// Two passings of one deadline kind in the same millisecond are one.
    private static let recordPassingsSQL = """
        INSERT OR IGNORE INTO deadlinePassed (ticketId, kind, at, unit)
            SELECT ticketId, kind, ?, CASE WHEN kind = 'callback' THEN NULL ELSE unit END
            FROM deadlineCheck WHERE (fireAt, ticketId, kind, stage) <= (?, ?, ?, ?) AND stage = 'due' AND kind <> 'rating'
        """
    private static let removeTakenSQL =
        "DELETE FROM deadlineCheck WHERE (fireAt, ticketId, kind, stage) <= (?, ?, ?, ?)"

    /// An SQL expression for the position of `column`'s value in `T.allCases`.
    private static func position<T: RawRepresentable<String> & CaseIterable>(_ column: String, _ type: T.Type) -> String
    {
        "CASE \(column) "
            + T.allCases.enumerated().map { "WHEN '\($0.element.rawValue)' THEN \($0.offset)" }.joined(separator: " ")
            + " END"
    }

    /// Makes a ticket's deadline definitions and checks match its running deadlines: a
    /// deadline whose due time is unchanged keeps its checks (so its notices are not sent
    /// twice; they only learn what they carry anew: the lead unit, co-units, flags); a new or
    /// moved one starts open with both checks; one no longer running is removed with
    /// whatever checks it has left.
    /// A new ticket (`isNew`, no `previous`) has no rows yet, so they are not looked up.
    static func syncDeadlines(
        of ticket: Ticket,
        previous: Ticket?,
        warnFraction: Double,
        isNew: Bool = false,
        _ db: Database
    ) throws {
        let wanted = ticket.runningDeadlines(warnFraction: warnFraction)
        var existing = isNew ? [:] : try definitions(of: ticket.id, db)
        let carriedChanged =
            previous.map {
                $0.unit != ticket.unit || $0.coUnits != ticket.coUnits
                    || $0.unitReplied != ticket.unitReplied
                    || $0.unitOverdue != ticket.unitOverdue || $0.resolveOverdue != ticket.resolveOverdue
            } ?? false
        for deadline in wanted {
            let kind = deadline.kind.rawValue
            if let old = existing.removeValue(forKey: kind) {
                if old.dueAt == deadline.due.millis {
                    if carriedChanged {
                        try updateChecks(of: ticket, kind: kind, warnAt: old.warnAt, dueAt: old.dueAt, db)
                    }
                    continue
                }
                try deleteChecks(of: ticket.id, kind: kind, warnAt: old.warnAt, dueAt: old.dueAt, db)
            }
            // A new ticket's rows cannot conflict: a plain INSERT spares SQLite the REPLACE
            // machinery (and its statement journal).
            try db.cachedStatement(
                sql: isNew
                    ? """
                    INSERT INTO deadline (ticketId, kind, startAt, warnAt, dueAt) VALUES (?, ?, ?, ?, ?)
                    """
                    : """
                    INSERT OR REPLACE INTO deadline (ticketId, kind, startAt, warnAt, dueAt) VALUES (?, ?, ?, ?, ?)
                    """
            ).run([
                ticket.id.databaseValue, kind.databaseValue, deadline.start.millis.databaseValue,
                deadline.warnAt.millis.databaseValue, deadline.due.millis.databaseValue,
            ])
            for check in DeadlineCheck.checks(for: deadline, of: ticket) {
                let fireAt = check.stage == .warn ? deadline.warnAt.millis : deadline.due.millis + 1
                try db.cachedStatement(sql: isNew ? insertCheckSQL : replaceCheckSQL).run(
                    check.databaseValues(firingAt: fireAt)
                )
            }
        }
        for (kind, old) in existing {
            try deleteChecks(of: ticket.id, kind: kind, warnAt: old.warnAt, dueAt: old.dueAt, db)
            try db.cachedStatement(sql: "DELETE FROM deadline WHERE ticketId = ? AND kind = ?").execute(arguments: [
                ticket.id, kind,
            ])
        }
    }

    static let insertCheckSQL = """
        INSERT INTO deadlineCheck (fireAt, ticketId, kind, stage, dueAt, channel, unit, coUnits, receivedAt, replied,
                                   unitOverdue, resolveOverdue)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    private static let replaceCheckSQL = "INSERT OR REPLACE" + insertCheckSQL.dropFirst("INSERT".count)

    /// The keys of a deadline's two checks: its due-soon point, and the first millisecond
    /// after its due time (a deadline has passed strictly after it is due).
    private static func checkKeys(warnAt: Int64, dueAt: Int64) -> [(Int64, String)] {
        [(warnAt, DeadlineCheck.Stage.warn.rawValue), (dueAt + 1, DeadlineCheck.Stage.due.rawValue)]
    }

    private static func deleteChecks(
        of ticketID: String,
        kind: String,
        warnAt: Int64,
        dueAt: Int64,
        _ db: Database
    ) throws {
        for (fireAt, stage) in checkKeys(warnAt: warnAt, dueAt: dueAt) {
            try db.cachedStatement(
                sql: "DELETE FROM deadlineCheck WHERE fireAt = ? AND ticketId = ? AND kind = ? AND stage = ?"
            )
            .execute(arguments: [fireAt, ticketID, kind, stage])
        }
    }

    /// A ticket's deadline definitions by kind: the due-soon point and due time that key its checks.
    private static func definitions(
        of ticketID: String,
        _ db: Database
    ) throws -> [String: (warnAt: Int64, dueAt: Int64)] {
        var definitions: [String: (warnAt: Int64, dueAt: Int64)] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT kind, warnAt, dueAt FROM deadline WHERE ticketId = ?"),
            arguments: [ticketID]
        ) {
            definitions[row[0]] = (row[1], row[2])
        }
        return definitions
    }

    /// Sets the overdue flags every remaining check of a ticket carries (after its passings
    /// were folded into it; nothing else they carry changes then, so the ticket is not read).
    static func updateCheckFlags(of ticketID: String, unitOverdue: Bool, resolveOverdue: Bool, _ db: Database) throws {
        for (kind, definition) in try definitions(of: ticketID, db) {
            for (fireAt, stage) in checkKeys(warnAt: definition.warnAt, dueAt: definition.dueAt) {
                try db.cachedStatement(
                    sql: """
                        UPDATE deadlineCheck SET unitOverdue = ?, resolveOverdue = ? WHERE fireAt = ? AND ticketId = ? AND kind = ? AND stage = ?
                        """
                ).execute(arguments: [unitOverdue, resolveOverdue, fireAt, ticketID, kind, stage])
            }
        }
    }

    /// Sets what the checks of one deadline carry from `ticket`.
    private static func updateChecks(
        of ticket: Ticket,
        kind: String,
        warnAt: Int64,
        dueAt: Int64,
        _ db: Database
    ) throws {
        for (fireAt, stage) in checkKeys(warnAt: warnAt, dueAt: dueAt) {
            try db.cachedStatement(
                sql: """
                    UPDATE deadlineCheck SET unit = ?, coUnits = ?, replied = ?, unitOverdue = ?, resolveOverdue = ?
                    WHERE fireAt = ? AND ticketId = ? AND kind = ? AND stage = ?
                    """
            ).execute(arguments: [
                ticket.unit, ticket.coUnitsJSON, ticket.unitReplied, ticket.unitOverdue, ticket.resolveOverdue,
                fireAt, ticket.id, kind, stage,
            ])
        }
    }
}

extension DeadlineCheck {
    private static let kinds = DeadlineKind.allCases
    private static let channels = SubmissionChannel.allCases

    /// Decodes the current row of the sweep's query (kinds and channels by position, see
    /// `takeChecksSQL`).
    init(sweepRow row: OpaquePointer) {
        func text(_ column: Int32) -> String? { sqlite3_column_text(row, column).map { String(cString: $0) } }
        func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(row, column) }
        self.init(
            ticketID: text(1) ?? "",
            kind: Self.kinds[Int(integer(2))],
            stage: integer(3) != 0 ? .due : .warn,
            due: Date(millis: integer(4)),
            channel: Self.channels[Int(integer(5))],
            unit: text(6),
            coUnits: text(7).map(StoredList.values(fromJSON:)) ?? [],
            receivedAt: Date(millis: integer(8)),
            replied: integer(9) != 0,
            unitOverdue: integer(10) != 0,
            resolveOverdue: integer(11) != 0
        )
    }

    /// The values of a `deadlineCheck` row, in the order of its columns.
    func databaseValues(firingAt fireAt: Int64) -> [DatabaseValue] {
        [
            fireAt.databaseValue, ticketID.databaseValue, kind.rawValue.databaseValue, stage.rawValue.databaseValue,
            due.millis.databaseValue, channel.rawValue.databaseValue, unit?.databaseValue ?? .null,
            StoredList.json(coUnits).databaseValue, receivedAt.millis.databaseValue, replied.databaseValue,
            unitOverdue.databaseValue, resolveOverdue.databaseValue,
        ]
    }
}
