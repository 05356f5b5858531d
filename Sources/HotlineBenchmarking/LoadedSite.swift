import Foundation
import GRDB
import HotlineCore
import HotlineSQLite
import HotlineStore

/// The large database of the SLA and backup benchmarks: `tickets` tickets received over the
/// ten days before ``t0`` in ten units, half of them closed, the open ones due over the 60
/// days after it (`simultaneous` of them at ``passAt`` exactly). Kept between runs as
/// `bench-TICKETS-SIMULTANEOUS.db` in the scratch folder.
public struct LoadedSite: Sendable {
    /// Tickets in all.
    public var tickets: Int
    /// Open tickets due at ``passAt``.
    public var simultaneous: Int

    /// A site of this size.
    public init(tickets: Int, simultaneous: Int) {
        self.tickets = tickets
        self.simultaneous = simultaneous
    }

    /// The units.
    public static let units = [
        "water", "power", "gas", "housing", "urban", "transport", "environment", "market", "hr", "health",
    ]
    /// The centre's time zone.
    public static let timeZone = TimeZone(identifier: "Asia/Shanghai")!
    /// The benchmark's "now" at import: 2026-06-01 00:00 +08:00. Tickets were received over the
    /// 10 days before; open ones fall due over the 60 days after.
    public static let t0 = Date(timeIntervalSince1970: 1_780_243_200)

    /// The first deadline instant of the 60-day spread.
    public var passAt: Date { Self.t0.addingTimeInterval(3600) }

    /// The kept database's file in `directory`.
    public func keptPath(in directory: String) -> String {
        directory + "/bench-\(tickets)-\(simultaneous).db"
    }

    /// Writes the tickets into a new SQLite database at `database`: received over the 10 days
    /// before t0, due over the 60 days after it, half of them closed; `simultaneous` open ones
    /// due exactly at `passAt`; one in twenty with an earlier passed deadline.
    public func load(database: String) async throws {
        let store = try SQLiteTicketStore(path: database)
        var random = SystemRandomNumberGenerator()
        let batch = 20_000
        var created = 0
        while created < tickets {
            var chunk: [Ticket] = []
            for i in created..<min(created + batch, tickets) {
                let received = Self.t0.addingTimeInterval(-Double.random(in: 0..<(86400 * 10), using: &random))
                let day = Calendar(identifier: .gregorian).dateComponents(in: Self.timeZone, from: received)
                let id = String(format: "%04d%02d%02d-%07d", day.year!, day.month!, day.day!, i)
                var t = Ticket(
                    id: id,
                    channel: .hotline,
                    submissionId: "bench-\(i)",
                    content: String(repeating: "停水", count: 40),
                    citizen: Citizen(name: "张三", phone: String(format: "138%08d", i)),
                    receivedAt: received
                )
                t.unit = Self.units[i % Self.units.count]
                t.dispatchedAt = received
                t.claimBy = received.addingTimeInterval(7200)
                t.claimedAt = received.addingTimeInterval(3600)
                let open = i % 2 == 0
                if open {
                    t.status = .claimed
                    // Due over the 60 days after t0: the first `simultaneous` open tickets at passAt
                    // exactly, the others from an hour after it on.
                    t.dueBy =
                        i / 2 < simultaneous
                        ? passAt
                        : passAt.addingTimeInterval(3600 + Double.random(in: 0..<(86400 * 60 - 7200), using: &random))
                } else {
                    t.status = .closed
                    t.dueBy = received.addingTimeInterval(86400 * 14)
                    t.repliedAt = received.addingTimeInterval(86400 * 3)
                    t.rating = [.verySatisfied, .satisfied, .basic, .dissatisfied][i % 4]
                    t.solved = i % 3 != 0
                    t.ratedAt = t.repliedAt
                    t.closedAs = .rated
                    t.closedAt = t.repliedAt
                }
                chunk.append(t)
            }
            try await store.importTickets(chunk, warnFraction: 0.8, at: Self.t0)
            created += chunk.count
        }
        // One ticket in twenty missed a phase report earlier (its event, its flags, and the
        // flags its checks carry), so that the sweep meets tickets already counted overdue.
        try await DatabaseQueue(path: database).write { db in
            try db.execute(
                sql: """
                    CREATE TEMP TABLE late AS SELECT id, unit, receivedAt FROM ticket WHERE abs(random()) % 20 = 0;
                    INSERT INTO event (ticketId, at, kind, actorUid, role, unit, note)
                        SELECT id, receivedAt + 3600000, 'overdue', 0, 'system', unit, 'phase' FROM temp.late;
                    UPDATE ticket SET overdue = 1, unitOverdue = 1 WHERE id IN (SELECT id FROM temp.late);
                    UPDATE deadlineCheck SET unitOverdue = 1 WHERE ticketId IN (SELECT id FROM temp.late);
                    UPDATE unitHour SET overdue = overdue + c.n
                        FROM (SELECT receivedAt / 3600000 AS hour, unit, count(*) AS n FROM temp.late GROUP BY 1, 2) AS c
                        WHERE unitHour.hour = c.hour AND unitHour.unit = c.unit;
                    DROP TABLE temp.late;
                    """
            )
        }
        try await store.analyze()
        try store.checkpoint()
    }

    /// A daemon configuration with the units.
    public static var config: String {
        """
        [daemon]
        socket_mode = "0600"
        [calendar]
        years = [2026]
        \(units.map { "[[unit]]\nid = \"\($0)\"\n" }.joined(separator: "\n"))
        """
    }
}
