import HotlineCore
import HotlineSystemd
import Logging

/// One log entry per ticket event and per notice, with structured fields only: ids,
/// kinds, units, the channel and the actor's uid. Never the citizen's name or phone, never
/// the ticket's text or a note.
///
/// Levels: notice for a ticket queued for dispatch or urged, warning for due-soon and bad ratings,
/// error for overdue (``passed(_:logger:)``), info for every routine transition.
public enum TicketLog {
    /// Logs one event of a ticket.
    public static func event(_ event: TicketEvent, of ticket: Ticket, actorUid: UInt32, logger: Logger) {
        var metadata: Logger.Metadata = [
            "ticket": "\(ticket.id)", "event": "\(event.kind.rawValue)", "channel": "\(ticket.channel.rawValue)",
            "actor_uid": "\(actorUid)", "status": "\(ticket.status.rawValue)",
        ]
        if let unit = event.unit ?? ticket.unit { metadata["unit"] = "\(unit)" }
        let level: Logger.Level
        switch event.kind {
        case .queued, .urged: level = .notice
        case .rated where ticket.status == .callback: level = .warning
        default: level = .info
        }
        switch event.kind {
        case .queued: metadata[MessageID.metadataKey] = "\(MessageID.ticketPending.rawValue)"
        case .urged: metadata[MessageID.metadataKey] = "\(MessageID.urged.rawValue)"
        case .answered: metadata[MessageID.metadataKey] = "\(MessageID.answered.rawValue)"
        case .rated where ticket.status == .callback:
            metadata[MessageID.metadataKey] = "\(MessageID.badRating.rawValue)"
        default: break
        }
        var message = "ticket \(ticket.id) \(event.kind.rawValue)"
        if event.kind == .queued { message += ": no route matched, waiting for dispatch" }
        logger.log(level: level, "\(message)", metadata: metadata)
    }

    /// Logs a passed deadline (the ticket's `overdue` event) at error level, from what the
    /// sweep knows without reading the ticket: no status field.
    public static func passed(_ check: DeadlineCheck, logger: Logger) {
        var metadata: Logger.Metadata = [
            "ticket": "\(check.ticketID)", "event": "\(TicketEventKind.overdue.rawValue)",
            "channel": "\(check.channel.rawValue)",
            "actor_uid": "0", "deadline": "\(check.kind.rawValue)",
            MessageID.metadataKey:
                "\(check.kind == .callback ? MessageID.callbackOverdue.rawValue : MessageID.overdue.rawValue)",
        ]
        if check.kind != .callback, let unit = check.unit { metadata["unit"] = "\(unit)" }
        logger.error("ticket \(check.ticketID) overdue (\(check.kind.rawValue) deadline missed)", metadata: metadata)
    }

    /// Whether ``notice(_:logger:)`` writes a line for `notice`: due-soon warnings only; the
    /// other notices are logged as the events they come with.
    public static func logs(_ notice: Notice) -> Bool {
        notice.kind == .dueSoon || notice.kind == .callbackDue
    }

    /// Logs one notice.
    public static func notice(_ notice: Notice, logger: Logger) {
        guard logs(notice) else { return }
        var metadata: Logger.Metadata = [
            "ticket": "\(notice.ticketID)", "event": "\(notice.kind.rawValue)",
            MessageID.metadataKey: "\(MessageID.dueSoon.rawValue)",
        ]
        if let unit = notice.unit { metadata["unit"] = "\(unit)" }
        if let deadline = notice.deadline { metadata["deadline"] = "\(deadline.rawValue)" }
        logger.warning(
            "ticket \(notice.ticketID) \(notice.deadline?.rawValue ?? "") deadline due soon",
            metadata: metadata
        )
    }
}
