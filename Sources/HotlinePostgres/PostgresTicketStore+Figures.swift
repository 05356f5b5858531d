import Foundation
import HotlineCore
import HotlineStore
import PostgresNIO

/// The monthly figures and hot spots on PostgreSQL, counted by the server from the period's
/// tickets (through `ticket_received`) rather than from hour rollups as on SQLite: a rollup
/// row shared by every Submit of an hour would be a row lock that each of them waits on until
/// the one before commits, across every daemon. The server groups the period's tickets by
/// their facts (a few hundred distinct combinations in a month), and the daemon turns each
/// group into counts with the same ``UnitStats/init(unit:counting:)`` as every other path, so
/// the rules of contract §5 are still written once.
extension PostgresTicketStore {
    /// The per-unit figures of the tickets received in `[from, to)` (every unit of `units`,
    /// with zeros for those without tickets) and the centre's own.
    public func figures(from: Date, to: Date, units: [String]) async throws -> (units: [UnitStats], centre: CentreStats)
    {
        var rows: [String: UnitStats] = [:]
        for unit in units { rows[unit] = UnitStats(unit: unit) }
        var centre = CentreStats()
        var binds = PostgresBindings()
        binds.append(Instant(from))
        binds.append(Instant(to))
        // The period's tickets grouped by unit, rating and their other facts as one bit mask
        // (few group keys: the server hashes them instead of sorting a million rows); then,
        // for the few tickets with passings not yet folded, their group taken back and the
        // group of their completed flags added.
        let period = "t.received_at >= $1 AND t.received_at < $2"
        let unfolded = "EXISTS (SELECT 1 FROM deadline_passed p WHERE p.ticket_id = t.id)"
        let groups = try await self.rows(
            """
            SELECT t.unit, t.rating, \(Self.factsMask(completed: false)), count(*)
            FROM ticket t WHERE \(period) GROUP BY 1, 2, 3
            UNION ALL
            SELECT t.unit, t.rating, \(Self.factsMask(completed: false)), -count(*)
            FROM ticket t WHERE \(period) AND \(unfolded) GROUP BY 1, 2, 3
            UNION ALL
            SELECT t.unit, t.rating, \(Self.factsMask(completed: true)), count(*)
            FROM ticket t WHERE \(period) AND \(unfolded) GROUP BY 1, 2, 3
            """,
            binds
        )
        for row in groups {
            let (unit, rating, mask, count) = try row.decode((String?, String?, Int32, Int).self)
            var facts = StatsFacts()
            func flag(_ bit: Int32) -> Bool { mask & (1 << bit) != 0 }
            facts.claimed = flag(0)
            facts.claimedOnTime = flag(1)
            facts.claimOverdue = flag(2)
            facts.replied = flag(3)
            facts.resolveOverdue = flag(4)
            facts.unitOverdue = flag(5)
            facts.solved = flag(6)
            facts.badRated = flag(7)
            facts.calledBack = flag(8)
            facts.rectified = flag(9)
            facts.extended = flag(10)
            facts.urged = flag(11)
            facts.centreAnswered = flag(12)
            facts.rating = rating.flatMap(Rating.init(rawValue:))
            if let unit {
                rows[unit, default: UnitStats(unit: unit)].add(UnitStats(unit: unit, counting: facts), sign: count)
            }
            centre.add(CentreStats(counting: facts), sign: count)
        }
        // Returns leave the ticket: counted from the returning unit's events.
        for row in try await self.rows(
            """
            SELECT e.unit, count(*) FROM event e JOIN ticket t ON t.id = e.ticket_id
            WHERE e.kind = 'returned' AND e.unit IS NOT NULL AND t.received_at >= $1 AND t.received_at < $2
            GROUP BY e.unit
            """,
            binds
        ) {
            let (unit, returned) = try row.decode((String, Int).self)
            rows[unit, default: UnitStats(unit: unit)].returned = returned
        }
        return (Array(rows.values), centre)
    }

    /// A ticket's facts as a bit mask, bit by bit as ``figures(from:to:units:)`` reads them
    /// (each term in parentheses: `|` and `<<` bind alike in SQL); with `completed`, the overdue flags completed by the ticket's unfolded passings.
    static func factsMask(completed: Bool) -> String {
        func overdue(_ column: String, _ kinds: PassingKinds) -> String {
            completed ? "(t.\(column) OR \(unfoldedPassing(of: "t", kinds: kinds)))" : "t.\(column)"
        }
        let bits = [
            "t.claimed_at IS NOT NULL",
            "coalesce(t.claimed_at <= t.claim_by, false)",
            overdue("claim_overdue", .claim),
            "(t.replied_at IS NOT NULL AND t.answered_by IS DISTINCT FROM 'centre')",
            overdue("resolve_overdue", .resolve),
            overdue("unit_overdue", .units),
            "coalesce(t.solved, false)",
            "t.bad_rated",
            "t.called_back",
            "t.rectified",
            "t.extended",
            "t.urged > 0",
            "t.centre_answered",
        ]
        return bits.enumerated().map { bit, condition in "((\(condition))::int << \(bit))" }.joined(separator: " | ")
    }

    /// The tickets received in `[from, to)` counted by `key`, against the period of the same
    /// length before; the keys of the period, ranked, at most `limit`; the period's total.
    public func hotspots(
        from: Date,
        to: Date,
        by key: HotspotKey,
        limit: Int
    ) async throws -> (rows: [Hotspot], total: Int) {
        let column =
            switch key {
            case .category: "category"
            case .district: "district"
            case .unit: "unit"
            case .channel: "channel"
            }
        var binds = PostgresBindings()
        binds.append(Instant(from))
        binds.append(Instant(millis: from.millis - (to.millis - from.millis)))
        binds.append(Instant(to))
        var counts: [(key: String?, count: Int, previous: Int)] = []
        for row in try await rows(
            """
            SELECT \(column), count(*) FILTER (WHERE received_at >= $1), count(*) FILTER (WHERE received_at < $1)
            FROM ticket WHERE received_at >= $2 AND received_at < $3 GROUP BY 1
            """,
            binds
        ) {
            let (key, count, previous) = try row.decode((String?, Int, Int).self)
            counts.append((key, count, previous))
        }
        let rows = counts.filter { $0.count > 0 }.map { Hotspot(key: $0.key, count: $0.count, previous: $0.previous) }
        return (Array(Hotspot.ranked(rows).prefix(limit)), counts.reduce(0) { $0 + $1.count })
    }
}
