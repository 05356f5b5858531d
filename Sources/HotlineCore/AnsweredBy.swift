/// Who gave a ticket its latest answer (contract §9 `answeredBy`).
public enum AnsweredBy: String, Sendable, Codable, CaseIterable, Hashable {
    /// The hotline centre, on the call or from the pending queue (直接答复).
    case centre
    /// The lead unit, with Reply.
    case unit
}
