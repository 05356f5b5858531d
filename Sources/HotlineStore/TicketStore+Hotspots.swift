import Foundation
import GRDB
import HotlineCore

extension TicketStore {
    /// The tickets received in `[from, to)` counted by `key`, each with its count in the period
    /// of the same length right before `from`; the keys of the period only, ranked, at most
    /// `limit`; and how many tickets the period holds. One pass over the two periods through
    /// `ticket_received`.
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
        let start = from.millis
        let end = to.millis
        let before = start - (end - start)
        return try await reader.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(column), sum(receivedAt >= ?1), sum(receivedAt < ?1) FROM ticket
                        WHERE receivedAt >= ?2 AND receivedAt < ?3 GROUP BY \(column)
                        """
                ),
                arguments: [start, before, end]
            )
            var all: [Hotspot] = []
            var total = 0
            for row in rows {
                let count: Int = row[1]
                total += count
                guard count > 0 else { continue }
                all.append(Hotspot(key: row[0], count: count, previous: row[2]))
            }
            return (Array(Hotspot.ranked(all).prefix(limit)), total)
        }
    }
}
