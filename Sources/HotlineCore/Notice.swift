import Foundation

/// Something the hotline centre or a unit should know now (contract §5 `Notice`), streamed
/// to `Watch` clients and written to the journal.
public struct Notice: Sendable, Hashable {
    /// What happened.
    public enum Kind: String, Sendable, Codable, CaseIterable, Hashable {
        /// A ticket was dispatched to a unit.
        case dispatched
        /// A deadline is `warn_at` of the way through its window.
        case dueSoon = "due_soon"
        /// A deadline passed unmet.
        case overdue
        /// A citizen rated a reply badly: a call-back is owed.
        case badRating = "bad_rating"
        /// A ticket went back to its unit for rectification.
        case reopened
        /// A call-back the hotline centre owes is due soon.
        case callbackDue = "callback_due"
        /// The hotline centre urged the lead unit on (催办).
        case urged
    }

    /// When it happened.
    public var at: Date
    /// What happened.
    public var kind: Kind
    /// The ticket.
    public var ticketID: String
    /// The unit concerned; nil for the hotline centre's own deadlines (call-backs).
    public var unit: String?
    /// The ticket's co-handling units (they see the notice too); not sent.
    public var coUnits: [String]
    /// Which deadline, for due-soon and overdue notices.
    public var deadline: DeadlineKind?

    /// Creates a notice.
    public init(
        at: Date,
        kind: Kind,
        ticketID: String,
        unit: String?,
        coUnits: [String] = [],
        deadline: DeadlineKind? = nil
    ) {
        self.at = at
        self.kind = kind
        self.ticketID = ticketID
        self.unit = unit
        self.coUnits = coUnits
        self.deadline = deadline
    }

    /// Whether a caller with `role` receives this notice: the centre sees all, a unit only
    /// its own tickets'.
    public func isVisible(to role: Role) -> Bool {
        switch role {
        case .admin, .operator, .supervisor: true
        case .unit(let id): unit == id || coUnits.contains(id)
        case .none: false
        }
    }
}
