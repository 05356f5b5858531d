import HotlineCore

/// What Submit answers: the ticket, whether it is new, and open tickets that look like it.
public struct SubmitResult: Sendable, Hashable {
    /// The new ticket, or the one first created with the same idempotency key.
    public var ticket: Ticket
    /// False when the idempotency key was seen before and nothing changed.
    public var created: Bool
    /// Open tickets with the same phone number and category from the last 30 days.
    public var possibleDuplicates: [String]
    /// The events written (empty when `created` is false).
    public var events: [TicketEvent]
    /// The notices to send (empty when `created` is false).
    public var notices: [Notice]

    /// A Submit's answer.
    public init(ticket: Ticket, created: Bool, possibleDuplicates: [String], events: [TicketEvent], notices: [Notice]) {
        self.ticket = ticket
        self.created = created
        self.possibleDuplicates = possibleDuplicates
        self.events = events
        self.notices = notices
    }
}
