import HotlineCore

/// The filters of `List` (contract §5). Every given filter must match.
public struct TicketQuery: Sendable, Hashable {
    /// The largest page a caller may ask for: bounds the reply well under the 1 MiB message limit.
    public static let maximumLimit = 1000
    /// The page size when none is given.
    public static let defaultLimit = 100

    /// Only these statuses (any of them), when non-empty.
    public var statuses: [TicketStatus] = []
    /// Only tickets this unit leads or co-handles.
    public var unit: String?
    /// Only overdue (true) or not overdue (false) tickets.
    public var overdue: Bool?
    /// Only supervised (true) or unsupervised (false) tickets.
    public var supervised: Bool?
    /// The page size, 1 … ``maximumLimit``.
    public var limit: Int = TicketQuery.defaultLimit
    /// The `next` cursor of the previous page: the id of its last ticket.
    public var after: String?

    /// An unfiltered first page.
    public init() {}
}
