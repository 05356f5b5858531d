import Foundation
import GRDB
import HotlineCore
import HotlineStore

extension SQLiteTicketStore {
    /// Imports tickets taken over from an earlier system (or generated for a benchmark), in
    /// one transaction per call: each ticket, one `submitted` event recording the import, and
    /// its running deadlines. Ids must not collide with existing ones.
    public func importTickets(_ tickets: [Ticket], warnFraction: Double, at now: Date) async throws {
        try await writer.write { db in
            for ticket in tickets {
                try Self.insert(ticket, db)
                try Self.append(
                    [
                        TicketEvent(
                            at: now,
                            kind: .submitted,
                            actorUid: 0,
                            role: .system,
                            unit: ticket.unit,
                            note: "imported"
                        )
                    ],
                    to: ticket.id,
                    db
                )
                try Self.syncDeadlines(of: ticket, previous: nil, warnFraction: warnFraction, isNew: true, db)
                try Self.rollUp(from: nil, to: ticket, db)
            }
        }
    }

    /// Runs `PRAGMA optimize` and `ANALYZE` so the planner knows the index statistics (after
    /// a large import).
    public func analyze() async throws {
        try await writer.writeWithoutTransaction { db in
            try db.execute(sql: "ANALYZE")
        }
    }
}
