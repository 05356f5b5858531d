import Foundation
import GRDB
import HotlineCore
import HotlineStore

extension SQLiteTicketStore {
    /// The tickets received in `[from, to)` counted by `key`, each with its count in the period
    /// of the same length right before `from`; the keys of the period only, ranked, at most
    /// `limit`; and how many tickets the period holds.
    ///
    /// Whole hours come from the `hotspotHour` rollup; the parts of hours at the periods' ends
    /// (at most three stretches, each under an hour) are counted from the tickets themselves
    /// through `ticket_received`. A month over a million tickets a year reads a few thousand
    /// rollup rows.
    public func hotspots(
        from: Date,
        to: Date,
        by key: HotspotKey,
        limit: Int
    ) async throws -> (rows: [Hotspot], total: Int) {
        let start = from.millis
        let end = to.millis
        let before = start - (end - start)
        return try await reader.read { db in
            var counts: [String?: (count: Int, previous: Int)] = [:]
            let previous = RollupHours(from: before, to: start)
            let current = RollupHours(from: start, to: end)
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT present, key, sum(CASE WHEN hour >= ?1 THEN count ELSE 0 END),
                               sum(CASE WHEN hour < ?1 THEN count ELSE 0 END)
                        FROM hotspotHour
                        WHERE kind = ?2 AND ((hour >= ?3 AND hour < ?4) OR (hour >= ?1 AND hour < ?5))
                        GROUP BY present, key
                        """
                ),
                arguments: [current.first, Self.hotspotKind(key), previous.first, previous.last, current.last]
            )
            for row in rows {
                let present: Bool = row[0]
                counts[present ? row[1] as String : nil] = (row[2], row[3])
            }
            // The rest of each period, outside its whole hours.
            func scan(_ from: Int64, _ to: Int64, current: Bool) throws {
                guard from < to else { return }
                for row in try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT \(Self.hotspotColumn(key)), count(*) FROM ticket
                            WHERE receivedAt >= ? AND receivedAt < ? GROUP BY 1
                            """
                    ),
                    arguments: [from, to]
                ) {
                    let n: Int = row[1]
                    var entry = counts[row[0] as String?] ?? (0, 0)
                    if current { entry.count += n } else { entry.previous += n }
                    counts[row[0] as String?] = entry
                }
            }
            for (hours, isCurrent) in [(previous, false), (current, true)] {
                try scan(hours.from, hours.headEnd, current: isCurrent)
                try scan(hours.tailStart, hours.to, current: isCurrent)
            }
            return Self.ranked(counts, limit: limit)
        }
    }

    /// The same figures counted from every ticket of both periods, without the rollup (what
    /// the rollup must equal: the tests compare them, the benchmark times both).
    public func hotspotsByScan(
        from: Date,
        to: Date,
        by key: HotspotKey,
        limit: Int
    ) async throws -> (
        rows: [Hotspot], total: Int
    ) {
        let start = from.millis
        let end = to.millis
        return try await reader.read { db in
            var counts: [String?: (count: Int, previous: Int)] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.hotspotColumn(key)), sum(receivedAt >= ?1), sum(receivedAt < ?1) FROM ticket
                    WHERE receivedAt >= ?2 AND receivedAt < ?3 GROUP BY 1
                    """,
                arguments: [start, start - (end - start), end]
            ) {
                counts[row[0] as String?] = (row[1], row[2])
            }
            return Self.ranked(counts, limit: limit)
        }
    }

    /// The rows of the keys the period holds, ranked, and the period's total.
    private static func ranked(
        _ counts: [String?: (count: Int, previous: Int)],
        limit: Int
    ) -> (
        rows: [Hotspot], total: Int
    ) {
        let rows = counts.filter { $0.value.count > 0 }.map {
            Hotspot(key: $0.key, count: $0.value.count, previous: $0.value.previous)
        }
        return (Array(Hotspot.ranked(rows).prefix(limit)), counts.values.reduce(0) { $0 + $1.count })
    }

    /// The ticket column of `key`.
    static func hotspotColumn(_ key: HotspotKey) -> String {
        switch key {
        case .category: "category"
        case .district: "district"
        case .unit: "unit"
        case .channel: "channel"
        }
    }

    /// The `kind` of `key` in `hotspotHour`.
    static func hotspotKind(_ key: HotspotKey) -> Int {
        switch key {
        case .category: 0
        case .district: 1
        case .unit: 2
        case .channel: 3
        }
    }

    /// A ticket's key of `kind`.
    static func hotspotKey(_ kind: HotspotKey, of ticket: Ticket) -> String? {
        switch kind {
        case .category: ticket.category
        case .district: ticket.location.district
        case .unit: ticket.unit
        case .channel: ticket.channel.rawValue
        }
    }

    /// Changes to `hotspotHour` gathered over tickets (one, or a group transaction's) and
    /// written with one statement per (kind, hour, key) that changed.
    struct HotspotDeltas {
        private struct Key: Hashable, Comparable {
            var kind: Int
            var hour: Int64
            var key: String?

            static func < (a: Key, b: Key) -> Bool {
                (a.kind, a.hour, a.key ?? "") < (b.kind, b.hour, b.key ?? "")
            }
        }
        private var counts: [Key: Int] = [:]

        /// Moves a ticket's counts from its old keys to its new ones (either ticket may be nil);
        /// keys that did not change cost nothing.
        mutating func add(from old: Ticket?, to new: Ticket?) {
            for kind in HotspotKey.allCases {
                let before = old.map {
                    Key(kind: hotspotKind(kind), hour: rollupHour(of: $0.receivedAt), key: hotspotKey(kind, of: $0))
                }
                let after = new.map {
                    Key(kind: hotspotKind(kind), hour: rollupHour(of: $0.receivedAt), key: hotspotKey(kind, of: $0))
                }
                if before == after { continue }
                if let before { counts[before, default: 0] -= 1 }
                if let after { counts[after, default: 0] += 1 }
            }
        }

        /// Writes the non-zero changes, in key order.
        func write(_ db: Database) throws {
            for (key, change) in counts.sorted(by: { $0.key < $1.key }) where change != 0 {
                try db.cachedStatement(sql: hotspotUpsertSQL).execute(arguments: [
                    key.kind, key.hour, key.key != nil, key.key ?? "", change,
                ])
            }
        }
    }

    private static let hotspotUpsertSQL = """
        INSERT INTO hotspotHour (kind, hour, present, key, count) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (kind, hour, present, key) DO UPDATE SET count = count + excluded.count
        """
}
