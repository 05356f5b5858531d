import Foundation
import GRDB
import GRDBSQLite
import HotlineCore
import HotlineStore

extension SQLiteTicketStore {
    /// The per-unit counts for tickets received in `[from, to)`, one row per unit of `units`
    /// (units with no tickets get zeros).
    public func stats(from: Date, to: Date, units: [String]) async throws -> [UnitStats] {
        try await figures(from: from, to: to, units: units).units
    }

    /// The per-unit counts and the centre's for tickets received in `[from, to)`, read in one
    /// transaction. Whole hours come from the `unitHour` and `centreHour` rollups; the partial
    /// hours at the ends, if any, from the tickets received in them, each counted by
    /// ``UnitStats/init(unit:counting:)`` and ``CentreStats/init(counting:)`` like the rollup.
    /// The period's tickets are never all loaded.
    public func figures(from: Date, to: Date, units: [String]) async throws -> (units: [UnitStats], centre: CentreStats)
    {
        try await reader.read { db in
            var rows: [String: UnitStats] = [:]
            for unit in units { rows[unit] = UnitStats(unit: unit) }
            var centre = CentreStats()
            let hours = RollupHours(from: from.millis, to: to.millis)
            if !hours.isEmpty {
                for (unit, counts) in try Self.rolledUpStats(fromHour: hours.first, toHour: hours.last, db) {
                    rows[unit, default: UnitStats(unit: unit)].add(counts)
                }
                centre.add(try Self.rolledUpCentreStats(fromHour: hours.first, toHour: hours.last, db))
            }
            try Self.scannedStats(from: hours.from, to: hours.headEnd, into: &rows, centre: &centre, db)
            try Self.scannedStats(from: hours.tailStart, to: hours.to, into: &rows, centre: &centre, db)
            try Self.countReturns(from: from, to: to, into: &rows, db)
            return (Array(rows.values), centre)
        }
    }

    /// Nothing to move: the rollups are written in place, in the transaction of each write
    /// (one writer, so no row of them is a lock that writers queue on).
    public func compactFigures(limit: Int) async throws -> Int { 0 }

    /// The same counts as ``figures(from:to:units:)`` from the tickets alone, never the rollup
    /// (what the rollup must always equal).
    func scannedFigures(from: Date, to: Date, units: [String]) async throws -> (units: [UnitStats], centre: CentreStats)
    {
        try await reader.read { db in
            var rows: [String: UnitStats] = [:]
            for unit in units { rows[unit] = UnitStats(unit: unit) }
            var centre = CentreStats()
            try Self.scannedStats(from: from.millis, to: to.millis, into: &rows, centre: &centre, db)
            try Self.countReturns(from: from, to: to, into: &rows, db)
            return (Array(rows.values), centre)
        }
    }

    /// The unit rows of ``scannedFigures(from:to:units:)``.
    func scannedStats(from: Date, to: Date, units: [String]) async throws -> [UnitStats] {
        try await scannedFigures(from: from, to: to, units: units).units
    }

    /// Adds the counts of the tickets received in `[from, to)` (milliseconds), through the
    /// `ticket_received` index.
    static func scannedStats(
        from: Int64,
        to: Int64,
        into rows: inout [String: UnitStats],
        centre: inout CentreStats,
        _ db: Database
    ) throws {
        guard from < to else { return }
        try forEachFacts(db, receivedFrom: from, to: to) { unit, _, facts in
            if let unit { rows[unit, default: UnitStats(unit: unit)].add(UnitStats(unit: unit, counting: facts)) }
            centre.add(CentreStats(counting: facts))
        }
    }

    /// The columns of a ticket that make its ``StatsFacts``, the flags completed by the
    /// passings not yet folded, in the order `init(factsRow:)` reads them.
    private static let factsSQL = """
        SELECT t.unit, t.receivedAt, t.claimedAt IS NOT NULL,
               t.claimedAt IS NOT NULL AND t.claimBy IS NOT NULL AND t.claimedAt <= t.claimBy,
               t.claimOverdue OR \(unfoldedPassing(of: "t", kinds: .claim)),
               t.repliedAt IS NOT NULL AND t.answeredBy IS NOT 'centre',
               t.resolveOverdue OR \(unfoldedPassing(of: "t", kinds: .resolve)),
               t.unitOverdue OR \(unfoldedPassing(of: "t", kinds: .units)),
               t.rating, t.solved = 1, t.badRated, t.calledBack, t.rectified, t.extended, t.urged > 0,
               t.centreAnswered
        FROM ticket t
        """

    /// Calls `body` with the lead unit (nil for none), time of receipt and facts of every
    /// ticket received in `[from, to)` (milliseconds; every ticket when not given).
    static func forEachFacts(
        _ db: Database,
        receivedFrom from: Int64? = nil,
        to: Int64? = nil,
        _ body: (String?, Date, StatsFacts) throws -> Void
    ) throws {
        let ratings = Rating.allCases
        let sql: String
        var arguments: [DatabaseValue] = []
        if let from, let to {
            sql = factsSQL + " WHERE t.receivedAt >= ? AND t.receivedAt < ?"
            arguments = [from.databaseValue, to.databaseValue]
        } else {
            sql = factsSQL
        }
        // Read straight from SQLite: a partial hour of a busy day is thousands of rows.
        try db.cachedStatement(sql: sql).forEachRow(arguments) { row in
            func flag(_ column: Int32) -> Bool { sqlite3_column_int64(row, column) != 0 }
            let unit = sqlite3_column_text(row, 0).map { String(cString: $0) }
            var facts = StatsFacts()
            facts.claimed = flag(2)
            facts.claimedOnTime = flag(3)
            facts.claimOverdue = flag(4)
            facts.replied = flag(5)
            facts.resolveOverdue = flag(6)
            facts.unitOverdue = flag(7)
            facts.rating = sqlite3_column_text(row, 8).flatMap { raw in
                ratings.first { $0.rawValue == String(cString: raw) }
            }
            facts.solved = flag(9)
            facts.badRated = flag(10)
            facts.calledBack = flag(11)
            facts.rectified = flag(12)
            facts.extended = flag(13)
            facts.urged = flag(14)
            facts.centreAnswered = flag(15)
            try body(unit, Date(millis: sqlite3_column_int64(row, 1)), facts)
        }
    }

    /// Returns leave the ticket, so they are counted from the events of the returning unit,
    /// driven by the small `event_returned` index (never by scanning the period's tickets).
    static func countReturns(from: Date, to: Date, into rows: inout [String: UnitStats], _ db: Database) throws {
        let returns = try Row.fetchAll(
            db,
            sql: """
                SELECT e.unit AS unit, count(*) AS returned
                FROM event e INDEXED BY event_returned
                JOIN ticket t ON t.id = e.ticketId
                WHERE e.kind = 'returned' AND e.unit IS NOT NULL AND t.receivedAt >= ? AND t.receivedAt < ?
                GROUP BY e.unit
                """,
            arguments: [from.millis, to.millis]
        )
        for row in returns {
            let unit: String = row["unit"]
            rows[unit, default: UnitStats(unit: unit)].returned = row["returned"]
        }
    }
}
