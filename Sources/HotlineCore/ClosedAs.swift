/// How a closed ticket ended.
public enum ClosedAs: String, Sendable, Codable, CaseIterable, Hashable {
    /// The citizen rated it (good or basic).
    case rated
    /// Nobody rated it within the rating window.
    case unrated
    /// Closed after the bad-rating call-back (explained, or unreachable too often).
    case callback
    /// Merged into another ticket.
    case duplicate
}
