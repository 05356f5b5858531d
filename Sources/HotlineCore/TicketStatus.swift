/// Where a ticket stands in its lifecycle (contract §3).
///
/// The raw values are the strings on the wire and in the database.
public enum TicketStatus: String, Sendable, Codable, CaseIterable, Hashable {
    /// Waiting for the hotline centre to dispatch it (no route matched, or returned by a unit).
    case pending
    /// Sent to a lead unit, not yet claimed.
    case dispatched
    /// The lead unit has taken it on.
    case claimed
    /// The lead unit has answered; waiting for the citizen's rating.
    case replied
    /// Rated badly: the hotline centre owes the citizen a call-back.
    case callback
    /// Sent back to the lead unit for rectification after a call-back.
    case reopened
    /// Finished; `closedAs` says how.
    case closed

    /// Whether the ticket still needs work from somebody.
    public var isOpen: Bool { self != .closed }

    /// The statuses in which a unit holds the ticket and its resolve deadline runs.
    public var isWithUnit: Bool {
        switch self {
        case .dispatched, .claimed, .reopened: true
        default: false
        }
    }
}
