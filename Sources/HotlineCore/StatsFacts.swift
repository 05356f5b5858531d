/// What the monthly figures count of one ticket: the facts behind ``UnitStats``.
///
/// Every path that keeps or computes the figures — a ticket change moving its contribution
/// in the store's rollup, the SLA clock's sweep recording a passed deadline without reading
/// the ticket, the scan of a partial hour — builds these facts and lets
/// ``UnitStats/init(unit:counting:)`` turn them into counts, so the rules of contract §5
/// are written once.
public struct StatsFacts: Sendable, Hashable {
    /// The lead unit claimed the ticket (in its current dispatch).
    public var claimed = false
    /// It claimed it by the claim deadline.
    public var claimedOnTime = false
    /// The claim deadline of the current dispatch passed unclaimed.
    public var claimOverdue = false
    /// The unit replied.
    public var replied = false
    /// A resolve deadline passed before the reply (or before the rectified reply).
    public var resolveOverdue = false
    /// A deadline of the unit's (claim, resolve, phase) passed unmet.
    public var unitOverdue = false
    /// The citizen's rating, once rated.
    public var rating: Rating?
    /// The citizen said the problem was solved.
    public var solved = false
    /// The citizen rated it badly at some point.
    public var badRated = false
    /// The call-back owed for that bad rating was made.
    public var calledBack = false
    /// The ticket was reopened for rectification.
    public var rectified = false
    /// A supervisor approved an extension.
    public var extended = false
    /// The hotline centre urged the unit on at least once.
    public var urged = false
    /// The hotline centre answered the ticket itself at some point.
    public var centreAnswered = false

    /// No facts: what a ticket the sweep knows nothing else of starts from.
    public init() {}

    /// The facts of `ticket` as it stands.
    public init(_ ticket: Ticket) {
        claimed = ticket.claimedAt != nil
        if let claimedAt = ticket.claimedAt, let claimBy = ticket.claimBy { claimedOnTime = claimedAt <= claimBy }
        claimOverdue = ticket.claimOverdue
        replied = ticket.unitReplied
        resolveOverdue = ticket.resolveOverdue
        unitOverdue = ticket.unitOverdue
        rating = ticket.rating
        solved = ticket.rating != nil && ticket.solved == true
        badRated = ticket.badRated
        calledBack = ticket.calledBack
        rectified = ticket.rectified
        extended = ticket.extended
        urged = ticket.urged > 0
        centreAnswered = ticket.centreAnswered
    }

    /// The facts once a deadline of `kind` has passed unmet: the flags the SLA clock sets on
    /// the ticket (``SLAClock/fire(_:of:at:)``).
    public func passing(_ kind: DeadlineKind) -> StatsFacts {
        var next = self
        if kind.isUnits { next.unitOverdue = true }
        if kind == .claim { next.claimOverdue = true }
        if kind == .resolve { next.resolveOverdue = true }
        return next
    }
}
