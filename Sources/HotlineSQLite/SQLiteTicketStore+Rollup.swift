import Foundation
import GRDB
import HotlineCore
import HotlineStore
import Synchronization

extension SQLiteTicketStore {
    private static let rollupSQL = upsertSQL(
        into: "unitHour",
        keys: ["hour", "unit"],
        counts: UnitStats.rolledUp.map(\.name)
    )
    private static let centreRollupSQL = upsertSQL(
        into: "centreHour",
        keys: ["hour"],
        counts: CentreStats.counted.map(\.name)
    )

    /// An insert of one rollup row that adds its counts to the row already there.
    private static func upsertSQL(into table: String, keys: [String], counts: [String]) -> String {
        let columns = keys + counts
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let sums = counts.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", ")
        return """
            INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))
            ON CONFLICT (\(keys.joined(separator: ", "))) DO UPDATE SET \(sums)
            """
    }

    /// The rollup bucket of an instant of receipt.
    static func rollupHour(of receivedAt: Date) -> Int64 {
        RollupHours.hour(of: receivedAt.millis)
    }

    /// Moves a ticket's contribution in `unitHour`, `centreHour` and `hotspotHour` from its old
    /// value to its new one (either may be nil), inside the caller's transaction. The bucket is
    /// the hour of receipt.
    static func rollUp(from old: Ticket?, to new: Ticket?, _ db: Database) throws {
        var deltas = RollupDeltas()
        deltas.add(from: old, to: new)
        try deltas.write(db)
        var hotspots = HotspotDeltas()
        hotspots.add(from: old, to: new)
        try hotspots.write(db)
    }

    /// The rollup changes of the calls in one group-commit transaction, gathered as each call
    /// finishes and written once, in order, before the transaction commits: a group of sixty
    /// Submits received in the same hour writes one `centreHour` row, one `unitHour` row per
    /// unit and one `hotspotHour` row per key, not six rows per Submit. Only the writer's
    /// queue uses it; the group committer empties it as each transaction begins (a replay
    /// starts afresh) and writes it at the end.
    final class RollupBuffer: Sendable {
        private struct Pending {
            var rollup = RollupDeltas()
            var hotspots = HotspotDeltas()
        }
        private let pending = Mutex(Pending())

        /// Adds the move of one ticket from `old` to `new` (either may be nil).
        func add(from old: Ticket?, to new: Ticket?) {
            pending.withLock {
                $0.rollup.add(from: old, to: new)
                $0.hotspots.add(from: old, to: new)
            }
        }

        /// Forgets what was gathered (a transaction begins).
        func reset() { pending.withLock { $0 = Pending() } }

        /// Writes what was gathered, and forgets it.
        func write(_ db: Database) throws {
            let gathered = pending.withLock { pending in
                defer { pending = Pending() }
                return pending
            }
            try gathered.rollup.write(db)
            try gathered.hotspots.write(db)
        }
    }

    /// Changes to `unitHour` gathered over many tickets (a sweep batch) and written with one
    /// statement per (hour, unit).
    struct RollupDeltas {
        private struct Key: Hashable {
            var hour: Int64
            var unit: String
        }
        private var entries: [Key: UnitStats] = [:]
        private var centre: [Int64: CentreStats] = [:]

        /// Adds the move of one ticket's contribution from `old` to `new`.
        mutating func add(from old: Ticket?, to new: Ticket?) {
            for (ticket, sign) in [(old, -1), (new, 1)] {
                guard let ticket else { continue }
                add(ticket: ticket.unit, receivedAt: ticket.receivedAt, facts: StatsFacts(ticket), sign: sign)
            }
        }

        /// Adds what one ticket counts, for its lead unit (if any) and for the centre.
        mutating func add(ticket unit: String?, receivedAt: Date, facts: StatsFacts, sign: Int = 1) {
            if let unit { add(UnitStats(unit: unit, counting: facts), receivedAt: receivedAt, sign: sign) }
            centre[rollupHour(of: receivedAt), default: CentreStats()].add(CentreStats(counting: facts), sign: sign)
        }

        /// Adds the change from `old` facts to `new` facts of a ticket led by `unit` received
        /// at `receivedAt` (what a passed deadline changes, known without the ticket).
        mutating func add(from old: StatsFacts, to new: StatsFacts, unit: String, receivedAt: Date) {
            guard old != new else { return }
            add(UnitStats(unit: unit, counting: old), receivedAt: receivedAt, sign: -1)
            add(UnitStats(unit: unit, counting: new), receivedAt: receivedAt, sign: 1)
        }

        /// Adds `counts` (a ticket's contribution, or its opposite) to the bucket of `receivedAt`.
        mutating func add(_ counts: UnitStats, receivedAt: Date, sign: Int = 1) {
            let key = Key(hour: rollupHour(of: receivedAt), unit: counts.unit)
            entries[key, default: UnitStats(unit: counts.unit)].add(counts, sign: sign)
        }

        /// Writes the non-zero changes.
        func write(_ db: Database) throws {
            let columns = UnitStats.rolledUp
            for (key, change) in entries {
                let counts = columns.map { change[keyPath: $0.path] }
                guard counts.contains(where: { $0 != 0 }) else { continue }
                let values = [key.hour.databaseValue, key.unit.databaseValue] + counts.map(\.databaseValue)
                try db.cachedStatement(sql: rollupSQL).run(values)
            }
            for (hour, change) in centre {
                let counts = CentreStats.counted.map { change[keyPath: $0.path] }
                guard counts.contains(where: { $0 != 0 }) else { continue }
                try db.cachedStatement(sql: centreRollupSQL).run([hour.databaseValue] + counts.map(\.databaseValue))
            }
        }
    }

    /// The counts per unit from the hour rollup for the buckets `[from, to)`.
    static func rolledUpStats(fromHour from: Int64, toHour to: Int64, _ db: Database) throws -> [String: UnitStats] {
        let columns = UnitStats.rolledUp
        let sums = columns.map { "sum(\($0.name))" }.joined(separator: ", ")
        var rows: [String: UnitStats] = [:]
        for row in try Row.fetchAll(
            db,
            sql: "SELECT unit, \(sums) FROM unitHour WHERE hour >= ? AND hour < ? GROUP BY unit",
            arguments: [from, to]
        ) {
            let unit: String = row[0]
            var stats = UnitStats(unit: unit)
            for (offset, column) in columns.enumerated() { stats[keyPath: column.path] = row[offset + 1] }
            rows[unit] = stats
        }
        return rows
    }

    /// The centre's counts from the hour rollup for the buckets `[from, to)`.
    static func rolledUpCentreStats(fromHour from: Int64, toHour to: Int64, _ db: Database) throws -> CentreStats {
        let columns = CentreStats.counted
        let sums = columns.map { "coalesce(sum(\($0.name)), 0)" }.joined(separator: ", ")
        var stats = CentreStats()
        if let row = try Row.fetchOne(
            db,
            sql: "SELECT \(sums) FROM centreHour WHERE hour >= ? AND hour < ?",
            arguments: [from, to]
        ) {
            for (offset, column) in columns.enumerated() { stats[keyPath: column.path] = row[offset] }
        }
        return stats
    }

    /// Rebuilds `unitHour` and `centreHour` from every ticket (a migration that changes what it holds).
    static func rebuildRollup(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM unitHour; DELETE FROM centreHour")
        var deltas = RollupDeltas()
        try forEachFacts(db) { unit, receivedAt, facts in
            deltas.add(ticket: unit, receivedAt: receivedAt, facts: facts)
        }
        try deltas.write(db)
    }
}
