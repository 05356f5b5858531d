import Foundation
import HotlineCore

/// The filters of `Search` (contract §9). Every given filter must match; results come newest
/// first (time of receipt, then id).
public struct SearchQuery: Sendable, Hashable {
    /// The largest page a caller may ask for.
    public static let maximumLimit = 200
    /// The page size when none is given.
    public static let defaultLimit = 20

    /// What must all occur in the title, content, address or answer: ``SearchTerms/words(_:)``.
    public var words: [String]?
    /// The caller's phone, as ``PhoneNumber/digits(_:)``.
    public var phoneDigits: String?
    /// The exact category.
    public var category: String?
    /// The exact district.
    public var district: String?
    /// Only tickets this unit leads or co-handles.
    public var unit: String?
    /// Only these statuses (any of them), when non-empty.
    public var statuses: [TicketStatus] = []
    /// The exact channel.
    public var channel: SubmissionChannel?
    /// Received at or after.
    public var from: Date?
    /// Received before.
    public var to: Date?
    /// The page size, 1 … ``maximumLimit``.
    public var limit: Int = SearchQuery.defaultLimit
    /// The `next` cursor of the previous page: the id of its last ticket.
    public var after: String?

    /// No filter yet.
    public init() {}
}
