import HotlineCore

/// What one sweep batch of the SLA clock did.
public struct SweepResult: Sendable, Hashable {
    /// Checks taken from the front of the queue.
    public var examined: Int
    /// Whether more checks had come than the batch took.
    public var more: Bool
    /// The deadlines that passed (each now overdue, with its passing recorded).
    public var passed: [DeadlineCheck]
    /// Tickets whose rating window closed (closed unrated), with their events.
    public var closed: [Transition]
    /// Every notice to send: due-soon, overdue, and those of the closed tickets.
    public var notices: [Notice]

    /// A batch's outcome.
    public init(examined: Int, more: Bool, passed: [DeadlineCheck], closed: [Transition], notices: [Notice]) {
        self.examined = examined
        self.more = more
        self.passed = passed
        self.closed = closed
        self.notices = notices
    }
}
