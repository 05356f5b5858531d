import Foundation
import GRDB
import HotlineCore

extension TicketStore {
    private static let rollupColumns = [
        "dispatched", "claimedOnTime", "replied", "repliedOnTime", "rated", "solved", "satisfied", "badRatings",
        "callbacksDone", "rectified", "overdue", "extended",
    ]

    private static let rollupSQL: String = {
        let columns = rollupColumns.joined(separator: ", ")
        let placeholders = Array(repeating: "?", count: rollupColumns.count).joined(separator: ", ")
        let sums = rollupColumns.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", ")
        return "INSERT INTO unitDay (day, unit, \(columns)) VALUES (?, ?, \(placeholders)) ON CONFLICT (day, unit) DO UPDATE SET \(sums)"
    }()

    /// Moves a ticket's contribution in `unitDay` from its old value to its new one (either
    /// may be nil), inside the caller's transaction. The day is the local date of receipt.
    static func rollUp(from old: Ticket?, to new: Ticket?, calendar: WorkCalendar, _ db: Database) throws {
        var deltas: [String: (day: String, unit: String, counts: [Int])] = [:]
        func add(_ ticket: Ticket?, sign: Int) {
            guard let ticket, let contribution = UnitStats(contributionOf: ticket) else { return }
            let day = calendar.localDate(of: ticket.receivedAt).description
            let key = day + "\u{0}" + contribution.unit
            var entry = deltas[key] ?? (day, contribution.unit, Array(repeating: 0, count: rollupColumns.count))
            for (index, value) in contribution.counts.enumerated() { entry.counts[index] += sign * value }
            deltas[key] = entry
        }
        add(old, sign: -1)
        add(new, sign: 1)
        for entry in deltas.values where entry.counts.contains(where: { $0 != 0 }) {
            var values: [any DatabaseValueConvertible] = [entry.day, entry.unit]
            values += entry.counts.map { $0 as any DatabaseValueConvertible }
            try db.cachedStatement(sql: rollupSQL).execute(arguments: StatementArguments(values))
        }
    }

    /// The counts per unit from the day rollup for the local days `[from, to)`.
    static func rolledUpStats(from: LocalDate, to: LocalDate, _ db: Database) throws -> [String: UnitStats] {
        let sums = rollupColumns.map { "sum(\($0))" }.joined(separator: ", ")
        var rows: [String: UnitStats] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT unit, \(sums) FROM unitDay WHERE day >= ? AND day < ? GROUP BY unit",
                                    arguments: [from.description, to.description]) {
            let unit: String = row[0]
            var stats = UnitStats(unit: unit)
            stats.setCounts((1...rollupColumns.count).map { row[$0] as Int })
            rows[unit] = stats
        }
        return rows
    }
}
