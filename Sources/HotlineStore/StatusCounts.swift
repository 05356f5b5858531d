/// The figures `Status` reports and `STATUS=` shows.
public struct StatusCounts: Sendable, Hashable, Codable {
    /// Tickets not closed.
    public var open: Int
    /// Tickets waiting for dispatch.
    public var pending: Int
    /// Open tickets flagged overdue.
    public var overdue: Int
    /// Tickets owing a call-back.
    public var callbacksDue: Int

    /// The counts.
    public init(open: Int, pending: Int, overdue: Int, callbacksDue: Int) {
        self.open = open
        self.pending = pending
        self.overdue = overdue
        self.callbacksDue = callbacksDue
    }
}
