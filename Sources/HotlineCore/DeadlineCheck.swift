import Foundation

/// One moment at which the SLA clock must look at a ticket's deadline: its due-soon point
/// (`warn`) or the instant after its due time (`due`). The store keeps these in time order,
/// carrying what the clock needs to act without reading the ticket: who is notified, the
/// channel for the log, and what the day figures need.
public struct DeadlineCheck: Sendable, Hashable {
    /// Which point of the deadline a check stands for.
    public enum Stage: String, Sendable, Codable, CaseIterable, Hashable {
        /// The due-soon point (`warn_at` of the window).
        case warn
        /// Just after the due time: the deadline has passed.
        case due
    }

    /// The ticket.
    public var ticketID: String
    /// The deadline.
    public var kind: DeadlineKind
    /// Which point of it.
    public var stage: Stage
    /// The deadline's due time.
    public var due: Date
    /// The ticket's channel (for the log).
    public var channel: SubmissionChannel
    /// The ticket's lead unit.
    public var unit: String?
    /// The ticket's co-handling units.
    public var coUnits: [String]
    /// When the ticket was received (its day carries the unit's figures).
    public var receivedAt: Date
    /// Whether its unit had replied when the check was set (a reopened ticket; ``Ticket/unitReplied``).
    public var replied: Bool
    /// Whether the ticket already counted as overdue against its unit (``Ticket/unitOverdue``)
    /// when the check was set or its ticket's passings were last folded.
    public var unitOverdue: Bool
    /// Whether the ticket had already missed a resolve deadline (``Ticket/resolveOverdue``),
    /// as of the same moment.
    public var resolveOverdue: Bool

    /// Creates a check.
    public init(
        ticketID: String,
        kind: DeadlineKind,
        stage: Stage,
        due: Date,
        channel: SubmissionChannel,
        unit: String?,
        coUnits: [String],
        receivedAt: Date,
        replied: Bool,
        unitOverdue: Bool = false,
        resolveOverdue: Bool = false
    ) {
        self.ticketID = ticketID
        self.kind = kind
        self.stage = stage
        self.due = due
        self.channel = channel
        self.unit = unit
        self.coUnits = coUnits
        self.receivedAt = receivedAt
        self.replied = replied
        self.unitOverdue = unitOverdue
        self.resolveOverdue = resolveOverdue
    }

    /// The check of `ticket`'s deadline `kind` due at `due`, at `stage`, carrying what the
    /// sweep needs of the ticket as it is now.
    public init(of ticket: Ticket, kind: DeadlineKind, stage: Stage, due: Date) {
        self.init(
            ticketID: ticket.id,
            kind: kind,
            stage: stage,
            due: due,
            channel: ticket.channel,
            unit: ticket.unit,
            coUnits: ticket.coUnits,
            receivedAt: ticket.receivedAt,
            replied: ticket.unitReplied,
            unitOverdue: ticket.unitOverdue,
            resolveOverdue: ticket.resolveOverdue
        )
    }

    /// The checks a running deadline of `ticket` needs: the due-soon point (not for the
    /// rating window, which only closes) and the passing of the due time.
    public static func checks(for deadline: Deadline, of ticket: Ticket) -> [DeadlineCheck] {
        func check(_ stage: Stage) -> DeadlineCheck {
            DeadlineCheck(of: ticket, kind: deadline.kind, stage: stage, due: deadline.due)
        }
        return deadline.kind == .rating ? [check(.due)] : [check(.warn), check(.due)]
    }
}
