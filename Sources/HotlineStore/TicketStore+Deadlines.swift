import Foundation
import GRDB
import HotlineCore

/// What one sweep of the SLA clock did.
public struct SweepResult: Sendable, Hashable {
    /// Deadline rows looked at.
    public var examined: Int
    /// Tickets changed (overdue, or closed unrated), with their events.
    public var changed: [Transition]
    /// Notices to send.
    public var notices: [Notice]
}

extension TicketStore {
    /// The earliest moment a running deadline needs the clock, if any.
    public func nextDeadlineCheck() async throws -> Date? {
        try await reader.read { db in
            try Int64.fetchOne(db, sql: "SELECT min(nextCheck) FROM deadline WHERE nextCheck IS NOT NULL").map(Date.init(millis:))
        }
    }

    /// Runs one batch of the SLA clock for `now`: looks only at deadline rows whose next
    /// check has come (through the `deadline_next` index), at most `batchSize` of them, and
    /// commits their outcomes in one transaction. Call it again while `examined` equals
    /// `batchSize`; the batches bound both a transaction's length and the memory a sweep holds.
    public func sweepBatch(at now: Date, warnFraction: Double, calendar: WorkCalendar, batchSize: Int = 5000) async throws -> SweepResult {
        let clock = SLAClock()
        return try await writer.write { db -> SweepResult in
            // Decoded while the statement steps (a cursor), then acted on: the writes below
            // must not run while the select is still open on the same tables.
            var due: [(ticket: Ticket, deadline: Deadline)] = []
            due.reserveCapacity(batchSize)
            let rows = try Row.fetchCursor(db.cachedStatement(sql: Self.dueDeadlinesSQL), arguments: [now.millis, batchSize])
            while let row = try rows.next() {
                let ticket = try Ticket(row: row, startingAt: 5)
                guard let kind = DeadlineKind(rawValue: row[0] as String),
                      let state = Deadline.State(rawValue: row[4] as String) else { throw StoreError.corrupt("deadline row of \(ticket.id)") }
                due.append((ticket, Deadline(kind: kind, start: Date(millis: row[1] as Int64), due: Date(millis: row[3] as Int64),
                                             warnAt: Date(millis: row[2] as Int64), state: state)))
            }
            var result = SweepResult(examined: due.count, changed: [], notices: [])
            var changedTickets: [String: Ticket] = [:]
            var rollup = RollupDeltas()
            var writes = SweepWrites()
            for (read, deadline) in due {
                let ticket = changedTickets[read.id] ?? read
                let kind = deadline.kind
                let outcome = clock.fire(deadline, of: ticket, at: now)
                result.notices += outcome.notices
                var flagsOnly = outcome.ticket
                (flagsOnly.overdue, flagsOnly.unitOverdue, flagsOnly.resolveOverdue) = (ticket.overdue, ticket.unitOverdue, ticket.resolveOverdue)
                if flagsOnly == ticket {
                    // Due-soon (nothing but the deadline changes) or overdue (the flags and an
                    // event): gathered and written together at the end of the batch.
                    writes.deadline(of: ticket.id, outcome.deadline)
                    guard outcome.ticket != ticket || !outcome.events.isEmpty else { continue }
                    writes.overdueFlags(of: outcome.ticket)
                    writes.append(outcome.events, to: ticket.id)
                } else {
                    // A status change (the rating window closing): written at once, after what
                    // was gathered, because it rewrites the ticket's deadline rows.
                    try writes.flush(db)
                    try db.cachedStatement(sql: "UPDATE deadline SET state = ?, nextCheck = ? WHERE ticketId = ? AND kind = ?")
                        .execute(arguments: [outcome.deadline.state.rawValue, outcome.deadline.nextCheck?.millis, ticket.id, kind.rawValue])
                    try Self.update(outcome.ticket, db, coUnitsChanged: false)
                    try Self.append(outcome.events, to: ticket.id, db)
                    if outcome.ticket.status != ticket.status {
                        try Self.syncDeadlines(of: outcome.ticket, warnFraction: warnFraction, db)
                    }
                }
                rollup.add(from: ticket, to: outcome.ticket, calendar: calendar)
                changedTickets[ticket.id] = outcome.ticket
                result.changed.append(Transition(ticket: outcome.ticket, events: outcome.events, notices: outcome.notices))
            }
            try writes.flush(db)
            try rollup.write(db)
            return result
        }
    }

    private static let dueDeadlinesSQL = """
        SELECT d.kind, d.startAt, d.warnAt, d.dueAt, d.state, \(Ticket.columns("t"))
        FROM deadline d JOIN ticket t ON t.id = d.ticketId
        WHERE d.nextCheck IS NOT NULL AND d.nextCheck <= ?
        ORDER BY d.nextCheck
        LIMIT ?
        """

    /// Makes the `deadline` rows of a ticket match its running deadlines: a deadline whose
    /// due time is unchanged keeps its state (so its notices are not sent twice); a new or
    /// moved one starts `open`; one no longer running is removed.
    /// A new ticket (`isNew`) has no rows yet, so they are not looked up.
    static func syncDeadlines(of ticket: Ticket, warnFraction: Double, isNew: Bool = false, _ db: Database) throws {
        let wanted = ticket.runningDeadlines(warnFraction: warnFraction)
        let existing = isNew ? [] : try Row.fetchAll(db.cachedStatement(sql: "SELECT kind, dueAt FROM deadline WHERE ticketId = ?"),
                                                     arguments: [ticket.id])
        var existingDue: [String: Int64] = [:]
        for row in existing { existingDue[row["kind"]] = row["dueAt"] }
        for deadline in wanted {
            if existingDue.removeValue(forKey: deadline.kind.rawValue) == deadline.due.millis { continue }
            // A new ticket's rows cannot conflict: a plain INSERT spares SQLite the REPLACE
            // machinery (and its statement journal).
            try db.cachedStatement(sql: isNew ? """
                INSERT INTO deadline (ticketId, kind, startAt, warnAt, dueAt, state, nextCheck)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """ : """
                INSERT OR REPLACE INTO deadline (ticketId, kind, startAt, warnAt, dueAt, state, nextCheck)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).run([ticket.id.databaseValue, deadline.kind.rawValue.databaseValue, deadline.start.millis.databaseValue,
                          deadline.warnAt.millis.databaseValue, deadline.due.millis.databaseValue,
                          deadline.state.rawValue.databaseValue, deadline.nextCheck?.millis.databaseValue ?? .null])
        }
        for kind in existingDue.keys {
            try db.cachedStatement(sql: "DELETE FROM deadline WHERE ticketId = ? AND kind = ?").execute(arguments: [ticket.id, kind])
        }
    }
}
