/// How fast a ticket must be handled; urgent tickets use the `urgent_*` SLA durations.
public enum Priority: String, Sendable, Codable, CaseIterable, Hashable {
    /// The ordinary deadlines apply.
    case normal
    /// The `urgent_claim` and `urgent_resolve` deadlines apply.
    case urgent
}
