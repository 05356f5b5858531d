/// The kinds of entry in a ticket's history. The raw values are stored and sent on the wire.
public enum TicketEventKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// The ticket was created by Submit.
    case submitted
    /// Dispatched (or reassigned) to a lead unit; `unit` names it.
    case dispatched
    /// Submit found no route: waiting in the pending queue.
    case queued
    /// The lead unit claimed it.
    case claimed
    /// A progress (phase) report.
    case progress
    /// The lead unit returned it as not theirs; `note` is the reason.
    case returned
    /// The lead unit asked for more time.
    case extensionRequested = "extension_requested"
    /// A supervisor approved the extension.
    case extensionApproved = "extension_approved"
    /// A supervisor refused the extension.
    case extensionRefused = "extension_refused"
    /// The unit explained why it missed a deadline.
    case overdueExplained = "overdue_explained"
    /// The lead unit replied with its result.
    case replied
    /// The citizen's rating was recorded.
    case rated
    /// A call-back after a bad rating; `note` says what was said.
    case callback
    /// Sent back to the lead unit for rectification.
    case reopened
    /// Merged into another ticket.
    case merged
    /// Flagged as supervised (督办).
    case supervised
    /// The hotline centre urged the lead unit on (催办).
    case urged
    /// The hotline centre answered the ticket itself (直接答复).
    case answered
    /// A deadline passed unmet (written by the SLA clock).
    case overdue
    /// Closed; `note` says how.
    case closed
}
