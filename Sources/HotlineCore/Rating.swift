/// The citizen's good/bad rating (好差评) of how a ticket was handled.
public enum Rating: String, Sendable, Codable, CaseIterable, Hashable {
    /// 非常满意.
    case verySatisfied = "very_satisfied"
    /// 满意.
    case satisfied
    /// 基本满意.
    case basic
    /// 不满意: a bad rating.
    case dissatisfied
    /// 非常不满意: a bad rating.
    case veryDissatisfied = "very_dissatisfied"

    /// Bad ratings send the ticket to `callback`: every one is called back (measure 8).
    public var isBad: Bool { self == .dissatisfied || self == .veryDissatisfied }
}
