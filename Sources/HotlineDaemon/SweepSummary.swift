import HotlineCore
import HotlineSystemd
import Logging

/// The journal lines a sweep's follow-up did not write one by one (past its
/// ``JournalBudget``), counted by what they were and whose: each count becomes one summary
/// line at the priority of the lines it stands for, with `HOTLINE_COUNT`, so that the lines
/// and the summaries together account for every passing and notice.
struct SweepSummary {
    /// What a summary line counts.
    struct Key: Hashable, Comparable {
        /// The event or notice kind (`overdue`, `due_soon`, `callback_due`, `closed`).
        var event: String
        /// The deadline kind, when there is one.
        var deadline: String?
        /// The unit, when there is one.
        var unit: String?

        static func < (a: Key, b: Key) -> Bool {
            (a.event, a.deadline ?? "", a.unit ?? "") < (b.event, b.deadline ?? "", b.unit ?? "")
        }
    }

    private(set) var counts: [Key: Int] = [:]

    /// Whether nothing was counted.
    var isEmpty: Bool { counts.isEmpty }

    /// Counts a passed deadline not logged on its own.
    mutating func count(_ check: DeadlineCheck) {
        let unit = check.kind == .callback ? nil : check.unit
        counts[Key(event: TicketEventKind.overdue.rawValue, deadline: check.kind.rawValue, unit: unit), default: 0] += 1
    }

    /// Counts a notice not logged on its own.
    mutating func count(_ notice: Notice) {
        counts[Key(event: notice.kind.rawValue, deadline: notice.deadline?.rawValue, unit: notice.unit), default: 0] +=
            1
    }

    /// Counts a ticket event not logged on its own.
    mutating func count(_ event: TicketEvent, of ticket: Ticket) {
        counts[Key(event: event.kind.rawValue, deadline: nil, unit: event.unit ?? ticket.unit), default: 0] += 1
    }

    /// Writes one line per count.
    func write(to logger: Logger) {
        for (key, count) in counts.sorted(by: { $0.key < $1.key }) {
            var metadata: Logger.Metadata = [
                "event": "\(key.event)", "count": "\(count)",
                MessageID.metadataKey: "\(MessageID.sweepSummary.rawValue)",
            ]
            if let deadline = key.deadline { metadata["deadline"] = "\(deadline)" }
            if let unit = key.unit { metadata["unit"] = "\(unit)" }
            let whose = key.unit.map { " of unit \($0)" } ?? ""
            let what: String
            let level: Logger.Level
            let list: String
            switch key.event {
            case TicketEventKind.overdue.rawValue:
                what = "overdue (\(key.deadline ?? "a") deadline missed)"
                level = .error
                list = "hotlinectl list --overdue" + (key.unit.map { " --unit \($0)" } ?? "")
            case Notice.Kind.dueSoon.rawValue, Notice.Kind.callbackDue.rawValue:
                what = "with the \(key.deadline ?? "") deadline due soon"
                level = .warning
                list = "hotlinectl list" + (key.unit.map { " --unit \($0)" } ?? "")
            default:
                what = key.event
                level = .info
                list = "hotlinectl list"
            }
            logger.log(
                level: level,
                "\(count) more tickets\(whose) \(what) in this sweep, not logged one by one past the journal budget; \(list) shows them",
                metadata: metadata
            )
        }
    }
}
