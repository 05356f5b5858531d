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
        let groups = try await self.rows(
            """
            SELECT t.unit, t.claimed_at IS NOT NULL,
                   coalesce(t.claimed_at <= t.claim_by, false),
                   t.claim_overdue OR \(Self.unfoldedPassing(of: "t", kinds: .claim)),
                   t.replied_at IS NOT NULL AND t.answered_by IS DISTINCT FROM 'centre',
                   t.resolve_overdue OR \(Self.unfoldedPassing(of: "t", kinds: .resolve)),
                   t.unit_overdue OR \(Self.unfoldedPassing(of: "t", kinds: .units)),
                   t.rating, coalesce(t.solved, false), t.bad_rated, t.called_back, t.rectified, t.extended,
                   t.urged > 0, t.centre_answered, count(*)
            FROM ticket t
            WHERE t.received_at >= $1 AND t.received_at < $2
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
            """,
            binds
        )
        for row in groups {
            let cells = row.makeRandomAccess()
            func flag(_ index: Int) throws -> Bool { try cells[index].decode(Bool.self) }
            let unit = try cells[0].decode(String?.self)
            var facts = StatsFacts()
            facts.claimed = try flag(1)
            facts.claimedOnTime = try flag(2)
            facts.claimOverdue = try flag(3)
            facts.replied = try flag(4)
            facts.resolveOverdue = try flag(5)
            facts.unitOverdue = try flag(6)
            facts.rating = try cells[7].decode(String?.self).flatMap(Rating.init(rawValue:))
            facts.solved = try flag(8)
            facts.badRated = try flag(9)
            facts.calledBack = try flag(10)
            facts.rectified = try flag(11)
            facts.extended = try flag(12)
            facts.urged = try flag(13)
            facts.centreAnswered = try flag(14)
            let count = try cells[15].decode(Int.self)
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
