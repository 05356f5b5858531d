import Foundation
import GRDB
import HotlineCore

extension TicketStore {
    /// The per-unit counts for tickets received in `[from, to)`, one row per configured unit
    /// (units with no tickets get zeros). Whole local days of `calendar` come from the
    /// `unitDay` rollup; the partial days at the ends, if any, from SQL aggregates over the
    /// `ticket_received` index. Tickets are never loaded.
    public func stats(from: Date, to: Date, units: [String], calendar: WorkCalendar) async throws -> [UnitStats] {
        try await reader.read { db in
            var rows: [String: UnitStats] = [:]
            for unit in units { rows[unit] = UnitStats(unit: unit) }
            // Whole local days inside [from, to) come from the rollup; the partial days at either
            // end (if any) from an index scan limited to them.
            let midnight = TimeOfDay(hour: 0, minute: 0)!
            let fromDay = calendar.localDate(of: from)
            let firstFull = calendar.instant(on: fromDay, at: midnight) == from ? fromDay : fromDay.next
            let lastFull = calendar.localDate(of: to)
            let firstFullStart = calendar.instant(on: firstFull, at: midnight)
            let lastFullStart = calendar.instant(on: lastFull, at: midnight)
            if firstFull < lastFull {
                for (unit, counts) in try Self.rolledUpStats(from: firstFull, to: lastFull, db) {
                    rows[unit, default: UnitStats(unit: unit)].add(counts)
                }
                if from < firstFullStart { try Self.scannedStats(from: from, to: firstFullStart, into: &rows, db) }
                if lastFullStart < to { try Self.scannedStats(from: lastFullStart, to: to, into: &rows, db) }
            } else {
                try Self.scannedStats(from: from, to: to, into: &rows, db)
            }
            try Self.countReturns(from: from, to: to, into: &rows, db)
            return Array(rows.values)
        }
    }

    /// Adds the counts of tickets received in `[from, to)`, by scanning the `ticket_received`
    /// index (the overdue flags completed by passings not yet folded).
    static func scannedStats(from: Date, to: Date, into rows: inout [String: UnitStats], _ db: Database) throws {
            let aggregates = try Row.fetchAll(db, sql: """
                SELECT unit,
                       count(*) AS dispatched,
                       sum(claimedAt IS NOT NULL AND claimBy IS NOT NULL AND claimedAt <= claimBy) AS claimedOnTime,
                       sum(repliedAt IS NOT NULL) AS replied,
                       sum(repliedAt IS NOT NULL AND NOT (resolveOverdue OR \(unfoldedPassing(of: "ticket", kinds: .resolve)))) AS repliedOnTime,
                       sum(rating IS NOT NULL) AS rated,
                       sum(rating IS NOT NULL AND solved = 1) AS solved,
                       sum(rating IN ('very_satisfied', 'satisfied', 'basic')) AS satisfied,
                       sum(badRated) AS badRatings,
                       sum(badRated AND calledBack) AS callbacksDone,
                       sum(rectified) AS rectified,
                       sum(unitOverdue OR \(unfoldedPassing(of: "ticket", kinds: .units))) AS overdue,
                       sum(extended) AS extended
                FROM ticket
                WHERE receivedAt >= ? AND receivedAt < ? AND unit IS NOT NULL
                GROUP BY unit
                """, arguments: [from.millis, to.millis])
            for row in aggregates {
                let unit: String = row["unit"]
                var stats = UnitStats(unit: unit)
                // The columns are selected in the order of UnitStats.counts.
                stats.setCounts((1...12).map { (row[$0] as Int?) ?? 0 })
                rows[unit, default: UnitStats(unit: unit)].add(stats)
            }
    }

    /// Returns leave the ticket, so they are counted from the events of the returning unit,
    /// driven by the small `event_returned` index (never by scanning the period's tickets).
    static func countReturns(from: Date, to: Date, into rows: inout [String: UnitStats], _ db: Database) throws {
            let returns = try Row.fetchAll(db, sql: """
                SELECT e.unit AS unit, count(*) AS returned
                FROM event e INDEXED BY event_returned
                JOIN ticket t ON t.id = e.ticketId
                WHERE e.kind = 'returned' AND e.unit IS NOT NULL AND t.receivedAt >= ? AND t.receivedAt < ?
                GROUP BY e.unit
                """, arguments: [from.millis, to.millis])
            for row in returns {
                let unit: String = row["unit"]
                rows[unit, default: UnitStats(unit: unit)].returned = row["returned"]
            }
    }
}
