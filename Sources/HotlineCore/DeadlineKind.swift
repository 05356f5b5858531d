/// The deadlines the SLA clock watches (contract §4).
public enum DeadlineKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// `claimBy`: a dispatched ticket must be claimed.
    case claim
    /// `dueBy`: the unit must reply (also the rectification deadline after a call-back).
    case resolve
    /// `phaseDueBy`: a long-term ticket owes its next phase report.
    case phase
    /// `callbackBy`: the hotline centre owes a bad-rated citizen a call-back.
    case callback
    /// `ratingBy`: a replied ticket not rated by then closes as unrated.
    case rating

    /// Whether missing it counts against the unit (claim, resolve, phase) rather than the
    /// hotline centre (callback) or nobody (rating).
    public var isUnits: Bool {
        switch self {
        case .claim, .resolve, .phase: true
        case .callback, .rating: false
        }
    }
}
