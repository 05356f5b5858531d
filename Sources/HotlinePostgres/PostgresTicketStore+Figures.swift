import Foundation
import HotlineCore
import HotlineStore
import PostgresNIO

/// The monthly figures and hot spots on PostgreSQL, from the hour rollups of schema v4:
/// whole hours from `figure_hour` and `hotspot_hour` and the changes not yet moved into them
/// (`figure_delta`), the partial hours at a period's ends from their tickets. A ticket
/// counts by its group (unit, rating and the bit mask of its other facts), and the daemon
/// turns each group into counts with the same ``UnitStats/init(unit:counting:)`` as every
/// other path, so the rules of contract §5 are still written once.
extension PostgresTicketStore {
    /// A period's whole rollup hours and the instants of its partial ends, as binds.
    struct HourSplit {
        var firstHour: Int64
        var lastHour: Int64
        var from: Instant
        var headEnd: Instant
        var tailStart: Instant
        var to: Instant

        init(_ hours: RollupHours) {
            (firstHour, lastHour) = (hours.first, hours.last)
            self.from = Instant(millis: hours.from)
            headEnd = Instant(millis: hours.headEnd)
            tailStart = Instant(millis: hours.tailStart)
            self.to = Instant(millis: hours.to)
        }
    }

    /// The per-unit figures of the tickets received in `[from, to)` (every unit of `units`,
    /// with zeros for those without tickets) and the centre's own.
    public func figures(from: Date, to: Date, units: [String]) async throws -> (units: [UnitStats], centre: CentreStats)
    {
        var rows: [String: UnitStats] = [:]
        for unit in units { rows[unit] = UnitStats(unit: unit) }
        var centre = CentreStats()
        let split = HourSplit(RollupHours(from: from.millis, to: to.millis))
        let binds = Self.bindings(
            split.from,
            split.to,
            split.firstHour,
            split.lastHour,
            split.headEnd,
            split.tailStart
        )
        // The rollups count a ticket's flags as its row holds them; a ticket with passings not
        // yet folded is taken back and counted again with its completed flags.
        let groups = try await self.rows(
            """
            SELECT unit, rating, mask, sum(n)::bigint FROM (
                SELECT unit, rating, mask, n FROM figure_hour WHERE hour >= $3 AND hour < $4
                UNION ALL
                SELECT unit, rating, mask, n FROM figure_delta WHERE hour >= $3 AND hour < $4
                UNION ALL
                SELECT t.unit, t.rating, hotline_facts_mask(t), 1 FROM ticket t
                WHERE (t.received_at >= $1 AND t.received_at < $5) OR (t.received_at >= $6 AND t.received_at < $2)
                UNION ALL
                SELECT t.unit, t.rating, v.mask, v.n
                FROM (SELECT DISTINCT ticket_id FROM deadline_passed) p
                JOIN ticket t ON t.id = p.ticket_id AND t.received_at >= $1 AND t.received_at < $2,
                LATERAL (VALUES (hotline_facts_mask(t), -1), (\(PostgresSchema.factsMask(of: "t", completed: true)), 1))
                    AS v(mask, n)
            ) AS g
            GROUP BY 1, 2, 3
            """,
            binds
        )
        for row in groups {
            let (unit, rating, mask, count) = try row.decode((String?, String?, Int32, Int).self)
            guard count != 0 else { continue }
            let facts = Self.facts(mask: mask, rating: rating)
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
            Self.bindings(split.from, split.to)
        ) {
            let (unit, returned) = try row.decode((String, Int).self)
            rows[unit, default: UnitStats(unit: unit)].returned = returned
        }
        return (Array(rows.values), centre)
    }

    /// The facts of a group: its bit mask as `PostgresSchema.factsMask(of:completed:)` makes it,
    /// and its rating.
    static func facts(mask: Int32, rating: String?) -> StatsFacts {
        var facts = StatsFacts()
        for (bit, factBit) in PostgresSchema.factBits.enumerated() {
            facts[keyPath: factBit.fact] = mask & (1 << Int32(bit)) != 0
        }
        facts.rating = rating.flatMap(Rating.init(rawValue:))
        return facts
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
        let (start, end) = (from.millis, to.millis)
        let current = HourSplit(RollupHours(from: start, to: end))
        let previous = HourSplit(RollupHours(from: start - (end - start), to: start))
        let binds = Self.bindings(
            current.firstHour,
            current.lastHour,
            previous.firstHour,
            previous.lastHour,
            current.from,
            current.headEnd,
            current.tailStart,
            current.to,
            previous.from,
            previous.headEnd,
            previous.tailStart,
            previous.to
        )
        let hours = "(hour >= $1 AND hour < $2) OR (hour >= $3 AND hour < $4)"
        var counts: [(key: String?, count: Int, previous: Int)] = []
        for row in try await rows(
            """
            SELECT key, coalesce(sum(n) FILTER (WHERE now), 0)::bigint, coalesce(sum(n) FILTER (WHERE NOT now), 0)::bigint
            FROM (
                SELECT key, n, hour >= $1 AND hour < $2 AS now FROM hotspot_hour
                WHERE dimension = '\(column)' AND (\(hours))
                UNION ALL
                SELECT \(column), n, hour >= $1 AND hour < $2 FROM figure_delta WHERE \(hours)
                UNION ALL
                SELECT \(column), 1, received_at >= $5 FROM ticket
                WHERE (received_at >= $5 AND received_at < $6) OR (received_at >= $7 AND received_at < $8)
                   OR (received_at >= $9 AND received_at < $10) OR (received_at >= $11 AND received_at < $12)
            ) AS k
            GROUP BY 1
            """,
            binds
        ) {
            let (key, count, previous) = try row.decode((String?, Int, Int).self)
            counts.append((key, count, previous))
        }
        let rows = counts.filter { $0.count > 0 }.map { Hotspot(key: $0.key, count: $0.count, previous: $0.previous) }
        return (Array(Hotspot.ranked(rows).prefix(limit)), counts.reduce(0) { $0 + $1.count })
    }

    /// SQL that rebuilds the hour rollups from every ticket and drops the changes waiting to
    /// be moved, for a database whose tickets were written with the trigger held off (a bulk
    /// load), run in one transaction with writers held out.
    public static let rebuildFigureRollupsSQL =
        (["LOCK TABLE ticket IN SHARE MODE", "TRUNCATE figure_delta, figure_hour, hotspot_hour"]
        + PostgresSchema.rollupBuild).joined(separator: ";\n") + ";"

    /// Moves up to `limit` rows of `figure_delta` into `figure_hour` and `hotspot_hour`, in one
    /// statement: the rows taken `FOR UPDATE SKIP LOCKED` (two daemons take disjoint rows),
    /// summed per rollup row, and added in key order (two daemons lock the rows they share
    /// in the same order, so they never deadlock); returns how many were moved.
    public func compactFigures(limit: Int) async throws -> Int {
        let rows = try await rows(
            """
            WITH d AS (
                DELETE FROM figure_delta
                WHERE ctid = ANY(ARRAY(SELECT ctid FROM figure_delta LIMIT $1 FOR UPDATE SKIP LOCKED))
                RETURNING *
            ), f AS (
                INSERT INTO figure_hour AS h (hour, unit, rating, mask, n)
                SELECT hour, unit, rating, mask, sum(n) FROM d GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
                ON CONFLICT (hour, coalesce(unit, ''), (unit IS NULL), coalesce(rating, ''), mask)
                DO UPDATE SET n = h.n + excluded.n
            ), s AS (
                INSERT INTO hotspot_hour AS h (hour, dimension, key, n)
                SELECT d.hour, k.dimension, k.key, sum(d.n)
                FROM d, LATERAL (VALUES ('category', d.category), ('district', d.district), ('unit', d.unit),
                                        ('channel', d.channel)) AS k(dimension, key)
                GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                ON CONFLICT (hour, dimension, coalesce(key, ''), (key IS NULL)) DO UPDATE SET n = h.n + excluded.n
            )
            SELECT count(*) FROM d
            """,
            Self.bindings(limit)
        )
        return try rows.first?.decode(Int.self) ?? 0
    }
}
