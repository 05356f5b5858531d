import Foundation
import GRDB
import HotlineCore

/// The writes of one sweep batch, gathered and then made with one statement per table: the
/// rows travel as a JSON array that SQLite unpacks with `json_each`, so 10,000 overdue
/// deadlines cost three statements instead of 30,000.
struct SweepWrites {
    private var deadlines: [String] = []
    private var flags: [String: String] = [:]
    private var events: [String] = []

    /// Whether nothing is waiting to be written.
    var isEmpty: Bool { deadlines.isEmpty && flags.isEmpty && events.isEmpty }

    /// A deadline's new state and next check.
    mutating func deadline(of ticketID: String, _ deadline: Deadline) {
        deadlines.append(Self.array([.text(ticketID), .text(deadline.kind.rawValue), .text(deadline.state.rawValue),
                                     deadline.nextCheck.map { .int($0.millis) } ?? .null]))
    }

    /// A ticket's overdue flags as they now stand (the last call for a ticket wins).
    mutating func overdueFlags(of ticket: Ticket) {
        flags[ticket.id] = Self.array([.text(ticket.id), .int(ticket.overdue ? 1 : 0), .int(ticket.unitOverdue ? 1 : 0),
                                       .int(ticket.resolveOverdue ? 1 : 0)])
    }

    /// Events to append to a ticket's history, in order.
    mutating func append(_ newEvents: [TicketEvent], to ticketID: String) {
        for event in newEvents {
            events.append(Self.array([.text(ticketID), .int(event.at.millis), .text(event.kind.rawValue), .int(Int64(event.actorUid)),
                                      .text(event.role.rawValue), event.unit.map { .text($0) } ?? .null,
                                      event.note.map { .text($0) } ?? .null]))
        }
    }

    /// Makes the gathered writes and forgets them.
    mutating func flush(_ db: Database) throws {
        if !deadlines.isEmpty {
            try db.cachedStatement(sql: """
                UPDATE deadline SET state = j.value ->> 2, nextCheck = j.value ->> 3
                FROM json_each(?) AS j
                WHERE deadline.ticketId = j.value ->> 0 AND deadline.kind = j.value ->> 1
                """).execute(arguments: ["[" + deadlines.joined(separator: ",") + "]"])
        }
        if !flags.isEmpty {
            try db.cachedStatement(sql: """
                UPDATE ticket SET overdue = j.value ->> 1, unitOverdue = j.value ->> 2, resolveOverdue = j.value ->> 3
                FROM json_each(?) AS j
                WHERE ticket.id = j.value ->> 0
                """).execute(arguments: ["[" + flags.values.joined(separator: ",") + "]"])
        }
        if !events.isEmpty {
            try db.cachedStatement(sql: """
                INSERT INTO event (ticketId, at, kind, actorUid, role, unit, note)
                SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6
                FROM json_each(?) AS j ORDER BY j.key
                """).execute(arguments: ["[" + events.joined(separator: ",") + "]"])
        }
        self = SweepWrites()
    }

    private enum Cell {
        case text(String)
        case int(Int64)
        case null
    }

    private static func array(_ cells: [Cell]) -> String {
        var text = "["
        for (index, cell) in cells.enumerated() {
            if index > 0 { text += "," }
            switch cell {
            case .int(let value): text += String(value)
            case .null: text += "null"
            case .text(let value): text += quoted(value)
            }
        }
        return text + "]"
    }

    private static func quoted(_ value: String) -> String {
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            return "\"" + value + "\""
        }
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                if scalar.value < 0x20 {
                    text += String(format: "\\u%04x", scalar.value)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        return text + "\""
    }
}
