import Foundation
import GRDB
import HotlineCore

extension TicketStore {
    /// The per-unit counts for tickets received in `[from, to)`, one row per configured unit
    /// (units with no tickets get zeros). Computed by SQL aggregates over the
    /// `ticket_received` index, never by loading tickets.
    public func stats(from: Date, to: Date, units: [String]) async throws -> [UnitStats] {
        try await reader.read { db in
            var rows: [String: UnitStats] = [:]
            for unit in units { rows[unit] = UnitStats(unit: unit) }
            let aggregates = try Row.fetchAll(db, sql: """
                SELECT unit,
                       count(*) AS dispatched,
                       sum(claimedAt IS NOT NULL AND claimBy IS NOT NULL AND claimedAt <= claimBy) AS claimedOnTime,
                       sum(repliedAt IS NOT NULL) AS replied,
                       sum(repliedAt IS NOT NULL AND resolveOverdue = 0) AS repliedOnTime,
                       sum(rating IS NOT NULL) AS rated,
                       sum(rating IS NOT NULL AND solved = 1) AS solved,
                       sum(rating IN ('very_satisfied', 'satisfied', 'basic')) AS satisfied,
                       sum(badRated) AS badRatings,
                       sum(badRated AND calledBack) AS callbacksDone,
                       sum(rectified) AS rectified,
                       sum(unitOverdue) AS overdue,
                       sum(extended) AS extended
                FROM ticket
                WHERE receivedAt >= ? AND receivedAt < ? AND unit IS NOT NULL
                GROUP BY unit
                """, arguments: [from.millis, to.millis])
            for row in aggregates {
                let unit: String = row["unit"]
                var stats = rows[unit] ?? UnitStats(unit: unit)
                stats.dispatched = row["dispatched"]
                stats.claimedOnTime = row["claimedOnTime"] ?? 0
                stats.replied = row["replied"] ?? 0
                stats.repliedOnTime = row["repliedOnTime"] ?? 0
                stats.rated = row["rated"] ?? 0
                stats.solved = row["solved"] ?? 0
                stats.satisfied = row["satisfied"] ?? 0
                stats.badRatings = row["badRatings"] ?? 0
                stats.callbacksDone = row["callbacksDone"] ?? 0
                stats.rectified = row["rectified"] ?? 0
                stats.overdue = row["overdue"] ?? 0
                stats.extended = row["extended"] ?? 0
                rows[unit] = stats
            }
            // Returns leave the ticket, so they are counted from the events of the returning unit.
            let returns = try Row.fetchAll(db, sql: """
                SELECT e.unit AS unit, count(*) AS returned
                FROM event e JOIN ticket t ON t.id = e.ticketId
                WHERE e.kind = 'returned' AND t.receivedAt >= ? AND t.receivedAt < ? AND e.unit IS NOT NULL
                GROUP BY e.unit
                """, arguments: [from.millis, to.millis])
            for row in returns {
                let unit: String = row["unit"]
                rows[unit, default: UnitStats(unit: unit)].returned = row["returned"]
            }
            return Array(rows.values)
        }
    }
}
