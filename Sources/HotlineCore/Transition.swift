/// The outcome of a lifecycle step: the ticket's new value and the events that record it.
///
/// The store writes both in one transaction.
public struct Transition: Sendable, Hashable {
    /// The ticket after the step.
    public var ticket: Ticket
    /// The events to append, in order.
    public var events: [TicketEvent]
    /// The notices to send once the change is committed.
    public var notices: [Notice]

    /// Creates a transition.
    public init(ticket: Ticket, events: [TicketEvent], notices: [Notice] = []) {
        self.ticket = ticket
        self.events = events
        self.notices = notices
    }
}
