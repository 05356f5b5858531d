/// Why a request was refused. Each case maps to one Varlink error (contract §1, §5) and says
/// what the caller should do next.
public enum HotlineError: Error, Sendable, Hashable {
    /// No ticket with this id exists, or the calling unit may not see it. Check the id.
    case noSuchTicket(id: String)
    /// No unit with this id is configured. Use a unit id from the configuration.
    case noSuchUnit(unit: String)
    /// The ticket's current status does not allow this method. Get the ticket and act on its status.
    case invalidTransition(id: String, status: TicketStatus)
    /// The idempotency key was used before with different content (`field` names the first
    /// parameter that differs, e.g. `location.district`). Use a new submissionId.
    case submissionConflict(id: String, field: String)
    /// No knowledge-base entry with this id is in force. Cite entries in force only.
    case noSuchEntry(id: String)
    /// An update named a version of the entry that is no longer its current one (`version`
    /// is). Get the entry again, apply the change to it, and send that version.
    case staleVersion(id: String, version: Int)
    /// No knowledge-base import with this id is open for the caller (committed, discarded
    /// after a bad entry, or left too long). Start the import again.
    case noSuchImport(id: String)
    /// The caller's role may not call this method. Ask for the right group membership.
    case permissionDenied
    /// A parameter is missing, of the wrong type, out of range or an unknown enum value.
    case invalidParameter(parameter: String, reason: String)
    /// This daemon's storage does not offer the method (`Backup` on PostgreSQL); `reason`
    /// says what to use instead.
    case notSupported(reason: String)
}

extension HotlineError: CustomStringConvertible {
    /// A sentence for logs and for people.
    public var description: String {
        switch self {
        case .noSuchTicket(let id): "no ticket \(id)"
        case .noSuchUnit(let unit): "no unit \(unit) is configured"
        case .invalidTransition(let id, let status): "ticket \(id) is \(status.rawValue); this method does not apply"
        case .submissionConflict(let id, let field):
            "the submission id was already used for ticket \(id) with a different \(field)"
        case .noSuchEntry(let id): "no knowledge-base entry \(id) is in force"
        case .staleVersion(let id, let version):
            "entry \(id) has changed since: its current version is \(version); apply the change to that"
        case .noSuchImport(let id): "no import \(id) is open: it was committed, discarded or left too long"
        case .permissionDenied: "permission denied"
        case .invalidParameter(let parameter, let reason): "invalid parameter \(parameter): \(reason)"
        case .notSupported(let reason): reason
        }
    }
}
