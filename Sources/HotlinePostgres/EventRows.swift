import Foundation
import HotlineCore
import HotlineStore

/// Ticket events as the JSON record sets that statements write and read in bulk
/// (`jsonb_to_recordset`, `jsonb_agg`): one round trip for all of a change's events.
/// Instants are milliseconds since 1970 (`hotline_time`, `hotline_ms`).
enum EventRows {
    private struct Row: Codable {
        var n: Int
        var at: Int64
        var kind: String
        var actor: Int64
        var role: String
        var unit: String?
        var note: String?
    }

    /// `events` as a JSON array in order (`n` keeps it).
    static func json(_ events: [TicketEvent]) -> String {
        var records = JSONRecords()
        for (index, event) in events.enumerated() {
            records.append {
                $0.field("n", Int64(index))
                $0.field("at", event.at.millis)
                $0.field("kind", event.kind.rawValue)
                $0.field("actor", Int64(event.actorUid))
                $0.field("role", event.role.rawValue)
                $0.field("unit", event.unit)
                $0.field("note", event.note)
            }
        }
        return records.json
    }

    /// The events of a JSON array as ``json(_:)`` writes it and the `event` table gives it.
    static func events(fromJSON json: String) throws -> [TicketEvent] {
        try JSONDecoder().decode([Row].self, from: Data(json.utf8)).map { row in
            guard let kind = TicketEventKind(rawValue: row.kind) else {
                throw StoreError.corrupt("event.kind = \(row.kind)")
            }
            guard let role = Role.Kind(rawValue: row.role) else { throw StoreError.corrupt("event.role = \(row.role)") }
            return TicketEvent(
                at: Date(millis: row.at),
                kind: kind,
                actorUid: UInt32(truncatingIfNeeded: row.actor),
                role: role,
                unit: row.unit,
                note: row.note
            )
        }
    }
}

/// Deadline passings not yet folded into their tickets (`deadline_passed`), as JSON.
enum PassingRows {
    private struct Row: Codable {
        var kind: String
        var at: Int64
        var unit: String?
    }

    /// The `overdue` events the passings of a JSON array stand for, in order.
    static func events(fromJSON json: String) throws -> [TicketEvent] {
        try JSONDecoder().decode([Row].self, from: Data(json.utf8)).map { row in
            TicketEvent(
                at: Date(millis: row.at),
                kind: .overdue,
                actorUid: 0,
                role: .system,
                unit: row.unit,
                note: row.kind
            )
        }
    }

    /// The keys (kind, instant) of the passings `events` stand for, as a JSON array.
    static func keysJSON(_ events: [TicketEvent]) -> String {
        var records = JSONRecords()
        for event in events {
            records.append {
                $0.field("kind", event.note ?? "")
                $0.field("at", event.at.millis)
            }
        }
        return records.json
    }
}
