/// The way a citizen's request reached the hotline centre.
public enum SubmissionChannel: String, Sendable, Codable, CaseIterable, Hashable {
    /// A 12345 call.
    case hotline
    /// The mayor's mailbox.
    case mailbox
    /// The web portal.
    case web
    /// Anything else (walk-in, forwarded letter, …).
    case other
}
