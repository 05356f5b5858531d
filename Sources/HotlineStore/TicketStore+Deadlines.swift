import Foundation
import GRDB
import HotlineCore

/// What one sweep batch of the SLA clock did.
public struct SweepResult: Sendable, Hashable {
    /// Checks taken from the front of the queue.
    public var examined: Int
    /// The deadlines that passed (each now overdue, with its passing recorded).
    public var passed: [DeadlineCheck]
    /// Tickets whose rating window closed (closed unrated), with their events.
    public var closed: [Transition]
    /// Every notice to send: due-soon, overdue, and those of the closed tickets.
    public var notices: [Notice]
}

extension TicketStore {
    /// The earliest moment a running deadline needs the clock, if any: the front of the
    /// time-ordered `deadlineCheck`.
    public func nextDeadlineCheck() async throws -> Date? {
        try await reader.read { db in
            try Int64.fetchOne(db, sql: "SELECT min(fireAt) FROM deadlineCheck").map(Date.init(millis:))
        }
    }

    /// Runs one batch of the SLA clock for `now`: takes up to `batchSize` checks whose time
    /// has come from the front of `deadlineCheck` and acts on them in one transaction. Call
    /// it again while `examined` equals `batchSize`.
    ///
    /// A due-soon point only sends its notice. A passed deadline is written as set-based
    /// statements over the batch, never as rows found by ticket: its passing into the small
    /// `deadlinePassed` (which stands for the ticket's overdue flags and `overdue` event
    /// until ``foldPassedDeadlines(limit:)`` writes them), the day figures per day and unit,
    /// and the checks' removal from the queue's front. Only a rating window closing (a
    /// status change) goes through the ticket itself.
    public func sweepBatch(at now: Date, warnFraction: Double, calendar: WorkCalendar, batchSize: Int = 5000) async throws -> SweepResult {
        let clock = SLAClock()
        // To the nearest millisecond: an instant given to the millisecond (SetTime) may sit a
        // hair below it as a Double, and must not miss the checks of that millisecond.
        let nowMillis = Int64((now.timeIntervalSince1970 * 1000).rounded())
        return try await writer.write { db -> SweepResult in
            try db.execute(sql: Self.sweepTableSQL)
            try db.cachedStatement(sql: Self.takeChecksSQL).execute(arguments: [nowMillis, batchSize])
            var result = SweepResult(examined: 0, passed: [], closed: [], notices: [])
            var rollup = RollupDeltas()
            var newlyUnitOverdue: Set<String> = []
            var closing: [DeadlineCheck] = []
            let rows = try Row.fetchCursor(db.cachedStatement(sql: Self.readTakenSQL))
            while let row = try rows.next() {
                let check = try DeadlineCheck(row: row)
                result.examined += 1
                if check.kind == .rating {
                    closing.append(check)
                    continue
                }
                if let notice = clock.notice(for: check, at: now) { result.notices.append(notice) }
                guard check.stage == .due else { continue }
                result.passed.append(check)
                // The unit's figures: a ticket counts as overdue once, however many of its
                // deadlines pass; a reopened ticket's reply stops counting as on time.
                guard let unit = check.unit, check.kind.isUnits else { continue }
                let hadUnitPassing: Bool = row[10], hadResolvePassing: Bool = row[11]
                if !hadUnitPassing, newlyUnitOverdue.insert(check.ticketID).inserted {
                    rollup.add(overdue: 1, repliedOnTime: 0, unit: unit, receivedAt: check.receivedAt, calendar: calendar)
                }
                if check.kind == .resolve, check.replied, !hadResolvePassing {
                    rollup.add(overdue: 0, repliedOnTime: -1, unit: unit, receivedAt: check.receivedAt, calendar: calendar)
                }
            }
            try db.cachedStatement(sql: Self.recordPassingsSQL).execute(arguments: [nowMillis])
            try db.cachedStatement(sql: Self.removeTakenSQL).execute()
            try rollup.write(db)
            for check in closing {
                guard let transition = try Self.closeRatingWindow(check, clock: clock, at: now, warnFraction: warnFraction,
                                                                  calendar: calendar, db) else { continue }
                result.closed.append(transition)
                result.notices += transition.notices
            }
            return result
        }
    }

    /// The rating window of a replied ticket has passed unrated: the ticket closes (a status
    /// change, so it is read, changed and written like any command).
    private static func closeRatingWindow(_ check: DeadlineCheck, clock: SLAClock, at now: Date, warnFraction: Double,
                                          calendar: WorkCalendar, _ db: Database) throws -> Transition? {
        try foldPassings(of: check.ticketID, db)
        guard let ticket = try fetch(check.ticketID, db), ticket.status == .replied, ticket.ratingBy?.millis == check.due.millis else {
            return nil
        }
        let deadline = Deadline(kind: .rating, start: ticket.repliedAt ?? check.due, due: check.due, warnAt: check.due, state: .open)
        let outcome = clock.fire(deadline, of: ticket, at: now)
        guard outcome.ticket != ticket else { return nil }
        try update(outcome.ticket, db, coUnitsChanged: false)
        try append(outcome.events, to: ticket.id, db)
        try syncDeadlines(of: outcome.ticket, previous: ticket, warnFraction: warnFraction, db)
        try rollUp(from: ticket, to: outcome.ticket, calendar: calendar, db)
        return Transition(ticket: outcome.ticket, events: outcome.events, notices: outcome.notices)
    }

    /// The batch's checks, copied from the queue's front (an in-memory table of the writer).
    private static let sweepTableSQL = """
        CREATE TEMP TABLE IF NOT EXISTS sweep AS SELECT * FROM deadlineCheck WHERE 0;
        DELETE FROM temp.sweep;
        """
    private static let takeChecksSQL = """
        INSERT INTO temp.sweep SELECT * FROM deadlineCheck WHERE fireAt <= ? ORDER BY fireAt, ticketId, kind, stage LIMIT ?
        """
    /// The batch's checks in time order, with whether the ticket had already passed a
    /// deadline that counts against the unit, and a resolve deadline (for the figures).
    private static let readTakenSQL = """
        SELECT s.fireAt, s.ticketId, s.kind, s.stage, s.dueAt, s.channel, s.unit, s.coUnits, s.receivedAt, s.replied,
               CASE WHEN s.stage = 'due' THEN EXISTS (SELECT 1 FROM deadlinePassed p WHERE p.ticketId = s.ticketId
                    AND (p.kind = 'claim' OR p.kind = 'resolve' OR p.kind = 'phase')) ELSE 0 END,
               CASE WHEN s.stage = 'due' AND s.kind = 'resolve' AND s.replied = 1 THEN EXISTS (SELECT 1 FROM deadlinePassed p
                    WHERE p.ticketId = s.ticketId AND p.kind = 'resolve') ELSE 0 END
        FROM temp.sweep s ORDER BY s.fireAt, s.ticketId, s.kind, s.stage
        """
    /// Two passings of one deadline kind in the same millisecond are one.
    private static let recordPassingsSQL = """
        INSERT OR IGNORE INTO deadlinePassed (ticketId, kind, at, unit)
            SELECT ticketId, kind, ?, CASE WHEN kind = 'callback' THEN NULL ELSE unit END
            FROM temp.sweep WHERE stage = 'due' AND kind <> 'rating'
        """
    private static let removeTakenSQL = """
        DELETE FROM deadlineCheck WHERE (fireAt, ticketId, kind, stage) IN (SELECT fireAt, ticketId, kind, stage FROM temp.sweep)
        """

    /// Makes a ticket's deadline definitions and checks match its running deadlines: a
    /// deadline whose due time is unchanged keeps its checks (so its notices are not sent
    /// twice; they only learn a new lead unit or co-units); a new or moved one starts open
    /// with both checks; one no longer running is removed with whatever checks it has left.
    /// A new ticket (`isNew`, no `previous`) has no rows yet, so they are not looked up.
    static func syncDeadlines(of ticket: Ticket, previous: Ticket?, warnFraction: Double, isNew: Bool = false, _ db: Database) throws {
        let wanted = ticket.runningDeadlines(warnFraction: warnFraction)
        var existing: [String: (warnAt: Int64, dueAt: Int64)] = [:]
        if !isNew {
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT kind, warnAt, dueAt FROM deadline WHERE ticketId = ?"),
                                        arguments: [ticket.id]) {
                existing[row[0]] = (row[1], row[2])
            }
        }
        let routingChanged = previous.map {
            $0.unit != ticket.unit || $0.coUnits != ticket.coUnits || ($0.repliedAt == nil) != (ticket.repliedAt == nil)
        } ?? false
        for deadline in wanted {
            let kind = deadline.kind.rawValue
            if let old = existing.removeValue(forKey: kind) {
                if old.dueAt == deadline.due.millis {
                    if routingChanged { try updateChecks(of: ticket, kind: kind, warnAt: old.warnAt, dueAt: old.dueAt, db) }
                    continue
                }
                try deleteChecks(of: ticket.id, kind: kind, warnAt: old.warnAt, dueAt: old.dueAt, db)
            }
            // A new ticket's rows cannot conflict: a plain INSERT spares SQLite the REPLACE
            // machinery (and its statement journal).
            try db.cachedStatement(sql: isNew ? """
                INSERT INTO deadline (ticketId, kind, startAt, warnAt, dueAt) VALUES (?, ?, ?, ?, ?)
                """ : """
                INSERT OR REPLACE INTO deadline (ticketId, kind, startAt, warnAt, dueAt) VALUES (?, ?, ?, ?, ?)
                """).run([ticket.id.databaseValue, kind.databaseValue, deadline.start.millis.databaseValue,
                          deadline.warnAt.millis.databaseValue, deadline.due.millis.databaseValue])
            for check in DeadlineCheck.checks(for: deadline, of: ticket) {
                let fireAt = check.stage == .warn ? deadline.warnAt.millis : deadline.due.millis + 1
                try db.cachedStatement(sql: isNew ? insertCheckSQL : replaceCheckSQL).run(check.databaseValues(firingAt: fireAt))
            }
        }
        for (kind, old) in existing {
            try deleteChecks(of: ticket.id, kind: kind, warnAt: old.warnAt, dueAt: old.dueAt, db)
            try db.cachedStatement(sql: "DELETE FROM deadline WHERE ticketId = ? AND kind = ?").execute(arguments: [ticket.id, kind])
        }
    }

    private static let insertCheckSQL = """
        INSERT INTO deadlineCheck (fireAt, ticketId, kind, stage, dueAt, channel, unit, coUnits, receivedAt, replied)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    private static let replaceCheckSQL = "INSERT OR REPLACE" + insertCheckSQL.dropFirst("INSERT".count)

    /// The keys of a deadline's two checks: its due-soon point, and the first millisecond
    /// after its due time (a deadline has passed strictly after it is due).
    private static func checkKeys(warnAt: Int64, dueAt: Int64) -> [(Int64, String)] {
        [(warnAt, DeadlineCheck.Stage.warn.rawValue), (dueAt + 1, DeadlineCheck.Stage.due.rawValue)]
    }

    private static func deleteChecks(of ticketID: String, kind: String, warnAt: Int64, dueAt: Int64, _ db: Database) throws {
        for (fireAt, stage) in checkKeys(warnAt: warnAt, dueAt: dueAt) {
            try db.cachedStatement(sql: "DELETE FROM deadlineCheck WHERE fireAt = ? AND ticketId = ? AND kind = ? AND stage = ?")
                .execute(arguments: [fireAt, ticketID, kind, stage])
        }
    }

    private static func updateChecks(of ticket: Ticket, kind: String, warnAt: Int64, dueAt: Int64, _ db: Database) throws {
        for (fireAt, stage) in checkKeys(warnAt: warnAt, dueAt: dueAt) {
            try db.cachedStatement(sql: """
                UPDATE deadlineCheck SET unit = ?, coUnits = ?, replied = ? WHERE fireAt = ? AND ticketId = ? AND kind = ? AND stage = ?
                """).execute(arguments: [ticket.unit, ticket.coUnitsJSON, ticket.repliedAt != nil, fireAt, ticket.id, kind, stage])
        }
    }
}

extension DeadlineCheck {
    /// Decodes the first ten columns of a `deadlineCheck` row (`fireAt` first, not kept).
    init(row: Row) throws {
        let kindRaw: String = row[2], stageRaw: String = row[3], channelRaw: String = row[5]
        guard let kind = DeadlineKind(rawValue: kindRaw), let stage = Stage(rawValue: stageRaw),
              let channel = SubmissionChannel(rawValue: channelRaw) else {
            throw StoreError.corrupt("deadlineCheck row \(kindRaw) \(stageRaw) \(channelRaw)")
        }
        let coUnitsJSON: String = row[7]
        self.init(ticketID: row[1], kind: kind, stage: stage, due: Date(millis: row[4]), channel: channel, unit: row[6],
                  coUnits: Ticket.coUnits(fromJSON: coUnitsJSON), receivedAt: Date(millis: row[8]), replied: row[9])
    }

    /// The values of a `deadlineCheck` row, in the order of its columns.
    func databaseValues(firingAt fireAt: Int64) -> [DatabaseValue] {
        [fireAt.databaseValue, ticketID.databaseValue, kind.rawValue.databaseValue, stage.rawValue.databaseValue,
         due.millis.databaseValue, channel.rawValue.databaseValue, unit?.databaseValue ?? .null,
         Ticket.coUnitsJSON(coUnits).databaseValue, receivedAt.millis.databaseValue, replied.databaseValue]
    }
}
