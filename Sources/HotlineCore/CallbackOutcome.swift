/// What came of calling a citizen back after a bad rating.
public enum CallbackOutcome: String, Sendable, Codable, CaseIterable, Hashable {
    /// The problem needs more work: the ticket is reopened to the same lead unit.
    case rectify
    /// The citizen accepted the explanation: the ticket closes.
    case explained
    /// Nobody answered: the ticket stays in `callback` until `callback_attempts` is reached.
    case unreachable
}
