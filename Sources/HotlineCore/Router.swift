/// One-layer routing (contract §3): the first matching route sends the ticket straight to
/// its unit; no match leaves it pending for an operator.
public struct Router: Sendable, Hashable {
    /// The routes in file order.
    public var routes: [Route]

    /// Creates a router.
    public init(routes: [Route]) {
        self.routes = routes
    }

    /// The first route that matches the ticket, if any.
    public func route(for ticket: Ticket) -> Route? {
        routes.first {
            $0.matches(
                category: ticket.category,
                title: ticket.title,
                content: ticket.content,
                district: ticket.location.district
            )
        }
    }
}
