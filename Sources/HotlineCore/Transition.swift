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

extension Transition {
    /// The same transition for a ticket numbered `id`: a submission's routing and deadlines
    /// are worked out before the store's write transaction, and only the number, which the
    /// store hands out inside it, is filled in there.
    public func identified(as id: String) -> Transition {
        var copy = self
        copy.ticket.id = id
        for index in copy.notices.indices { copy.notices[index].ticketID = id }
        return copy
    }
}
