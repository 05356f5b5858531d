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
        var deltas = RollupDeltas()
        deltas.add(from: old, to: new, calendar: calendar)
        try deltas.write(db)
    }

    /// Changes to `unitDay` gathered over many tickets (a sweep batch) and written with one
    /// statement per (day, unit).
    struct RollupDeltas {
        private var entries: [String: (day: String, unit: String, counts: [Int])] = [:]

        /// Adds the move of one ticket's contribution from `old` to `new`.
        mutating func add(from old: Ticket?, to new: Ticket?, calendar: WorkCalendar) {
            add(old, sign: -1, calendar: calendar)
            add(new, sign: 1, calendar: calendar)
        }

        private mutating func add(_ ticket: Ticket?, sign: Int, calendar: WorkCalendar) {
            guard let ticket, let contribution = UnitStats(contributionOf: ticket) else { return }
            add(contribution, day: calendar.localDate(of: ticket.receivedAt).description, sign: sign)
        }

        private mutating func add(_ counts: UnitStats, day: String, sign: Int) {
            let key = day + "\u{0}" + counts.unit
            var entry = entries[key] ?? (day, counts.unit, Array(repeating: 0, count: rollupColumns.count))
            for (index, value) in counts.counts.enumerated() { entry.counts[index] += sign * value }
            entries[key] = entry
        }

        /// Adds the counts passed deadlines change without reading their tickets: `overdue`
        /// and `repliedOnTime` of the lead unit on the local day of receipt.
        mutating func add(overdue: Int, repliedOnTime: Int, unit: String, day: LocalDate) {
            var change = UnitStats(unit: unit)
            change.overdue = overdue
            change.repliedOnTime = repliedOnTime
            add(change, day: day.description, sign: 1)
        }

        /// Writes the non-zero changes.
        func write(_ db: Database) throws {
            for entry in entries.values where entry.counts.contains(where: { $0 != 0 }) {
                let values = [entry.day.databaseValue, entry.unit.databaseValue] + entry.counts.map(\.databaseValue)
                try db.cachedStatement(sql: rollupSQL).run(values)
            }
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
