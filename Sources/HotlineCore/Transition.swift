/// The outcome of a lifecycle step: the ticket's new value and the events that record it.
///
/// The store writes both in one transaction.
public struct Transition: Sendable, Hashable {
    /// The ticket after the step.
    public var ticket: Ticket
    /// The events to append, in order.
    public var events: [TicketEvent]

    /// Creates a transition.
    public init(ticket: Ticket, events: [TicketEvent]) {
        self.ticket = ticket
        self.events = events
    }
}
