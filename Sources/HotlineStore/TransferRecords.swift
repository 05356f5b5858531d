import Foundation
import HotlineCore

/// A ticket as `hotlined transfer` carries it from one database to another: what a reader of
/// the source sees, whatever the source keeps on the side. Its deadline passings not yet
/// folded into it are its last `overdue` events and complete its overdue flags (as every read
/// shows them); the target stores them folded.
public struct TransferredTicket: Sendable, Hashable, Codable {
    /// The ticket, as read.
    public var ticket: Ticket
    /// Its whole history, oldest first, as read.
    public var events: [TicketEvent]
    /// The definitions of its running deadlines, by kind.
    public var deadlines: [TransferredDeadline]
    /// The moments the SLA clock must still look at, in time order: a due-soon warning
    /// already sent has none left, so the target does not send it again.
    public var checks: [TransferredCheck]

    /// A ticket with its history, deadlines and checks.
    public init(
        ticket: Ticket,
        events: [TicketEvent],
        deadlines: [TransferredDeadline],
        checks: [TransferredCheck]
    ) {
        self.ticket = ticket
        self.events = events
        self.deadlines = deadlines.sorted { $0.kind.rawValue < $1.kind.rawValue }
        self.checks = checks.sorted {
            ($0.fireAt, $0.kind.rawValue, $0.stage.rawValue) < ($1.fireAt, $1.kind.rawValue, $1.stage.rawValue)
        }
    }
}

/// One running deadline of a ticket: when it started, when it warns, when it is due.
public struct TransferredDeadline: Sendable, Hashable, Codable {
    /// Which deadline.
    public var kind: DeadlineKind
    /// When it started.
    public var startAt: Date
    /// Its due-soon point.
    public var warnAt: Date
    /// Its due time.
    public var dueAt: Date

    /// A deadline.
    public init(kind: DeadlineKind, startAt: Date, warnAt: Date, dueAt: Date) {
        self.kind = kind
        self.startAt = startAt
        self.warnAt = warnAt
        self.dueAt = dueAt
    }
}

/// One moment the SLA clock must still look at a ticket's deadline: its due-soon point
/// (`warn`) or the first millisecond after its due time (`due`).
public struct TransferredCheck: Sendable, Hashable, Codable {
    /// When the clock looks.
    public var fireAt: Date
    /// Whose deadline.
    public var kind: DeadlineKind
    /// The warning or the passing.
    public var stage: DeadlineCheck.Stage
    /// The deadline's due time.
    public var dueAt: Date

    /// A check.
    public init(fireAt: Date, kind: DeadlineKind, stage: DeadlineCheck.Stage, dueAt: Date) {
        self.fireAt = fireAt
        self.kind = kind
        self.stage = stage
        self.dueAt = dueAt
    }
}

/// A knowledge-base entry as a transfer carries it: its current version, every version
/// before it, and the import it is staged in when that import is still open.
public struct TransferredEntry: Sendable, Hashable, Codable {
    /// The current version.
    public var entry: KnowledgeEntry
    /// The current version's note (why it changed), if any.
    public var note: String?
    /// The open import that staged it (not yet in the knowledge base), if any.
    public var importID: String?
    /// The earlier versions, oldest first.
    public var versions: [TransferredVersion]

    /// An entry.
    public init(entry: KnowledgeEntry, note: String?, importID: String?, versions: [TransferredVersion]) {
        self.entry = entry
        self.note = note
        self.importID = importID
        self.versions = versions.sorted { $0.entry.version < $1.entry.version }
    }
}

/// An earlier version of a knowledge-base entry, as it was.
public struct TransferredVersion: Sendable, Hashable, Codable {
    /// The version.
    public var entry: KnowledgeEntry
    /// Its note, if any.
    public var note: String?

    /// A version.
    public init(entry: KnowledgeEntry, note: String?) {
        self.entry = entry
        self.note = note
    }
}

/// A knowledge-base import still open (staged, neither committed nor discarded).
public struct TransferredImport: Sendable, Hashable, Codable {
    /// Its id.
    public var id: String
    /// When its first call came.
    public var startedAt: Date
    /// Who stages it.
    public var uid: UInt32
    /// How many entries it has staged.
    public var staged: Int

    /// An import.
    public init(id: String, startedAt: Date, uid: UInt32, staged: Int) {
        self.id = id
        self.startedAt = startedAt
        self.uid = uid
        self.staged = staged
    }
}

/// What a database holds, counted: a transfer's target must hold none of it.
public struct TransferContents: Sendable, Hashable {
    /// Tickets.
    public var tickets: Int
    /// Knowledge-base entries (staged ones included).
    public var entries: Int
    /// Open knowledge-base imports.
    public var imports: Int

    /// Counts.
    public init(tickets: Int, entries: Int, imports: Int) {
        self.tickets = tickets
        self.entries = entries
        self.imports = imports
    }

    /// Whether the database holds nothing.
    public var isEmpty: Bool { tickets == 0 && entries == 0 && imports == 0 }
}

extension TransferContents {
    /// "3 tickets, 1 knowledge-base entry": what there is, in words.
    public var described: String {
        var parts: [String] = []
        func add(_ count: Int, _ one: String, _ many: String) {
            if count > 0 { parts.append("\(count) \(count == 1 ? one : many)") }
        }
        add(tickets, "ticket", "tickets")
        add(entries, "knowledge-base entry", "knowledge-base entries")
        add(imports, "open knowledge-base import", "open knowledge-base imports")
        return parts.isEmpty ? "nothing" : parts.joined(separator: ", ")
    }
}
