/// One unit's monthly figures (contract §5 `UnitStats`) for tickets received in a period.
///
/// The counts come from the store; the rates and the score are derived here. A rate is nil
/// when its denominator is 0.
public struct UnitStats: Sendable, Hashable {
    /// The unit's id; empty for the total row.
    public var unit: String
    /// Tickets dispatched to the unit.
    public var dispatched: Int = 0
    /// Of those, claimed by their claim deadline.
    public var claimedOnTime: Int = 0
    /// Tickets the unit replied to.
    public var replied: Int = 0
    /// Of those, replied before the resolve deadline passed.
    public var repliedOnTime: Int = 0
    /// Tickets the citizen rated.
    public var rated: Int = 0
    /// Of those, rated as solved.
    public var solved: Int = 0
    /// Of those, rated very satisfied, satisfied or basic.
    public var satisfied: Int = 0
    /// Tickets ever rated dissatisfied or very dissatisfied.
    public var badRatings: Int = 0
    /// Of those, called back (goal: all of them).
    public var callbacksDone: Int = 0
    /// Tickets reopened to the unit for rectification.
    public var rectified: Int = 0
    /// Tickets on which a deadline of the unit's passed.
    public var overdue: Int = 0
    /// Times the unit returned a ticket as not theirs.
    public var returned: Int = 0
    /// Tickets whose extension was approved.
    public var extended: Int = 0

    /// Creates an empty row for a unit.
    public init(unit: String) {
        self.unit = unit
    }

    static func rate(_ part: Int, _ whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) / Double(whole)
    }

    /// claimedOnTime / dispatched.
    public var responseRate: Double? { Self.rate(claimedOnTime, dispatched) }
    /// repliedOnTime / replied.
    public var onTimeRate: Double? { Self.rate(repliedOnTime, replied) }
    /// solved / rated.
    public var solvedRate: Double? { Self.rate(solved, rated) }
    /// satisfied / rated.
    public var satisfactionRate: Double? { Self.rate(satisfied, rated) }
    /// callbacksDone / badRatings.
    public var callbackRate: Double? { Self.rate(callbacksDone, badRatings) }

    /// 100 × the weighted sum of response, solved and satisfaction rates; a nil rate counts as 1.
    public func score(weights: StatsWeights) -> Double {
        100 * (weights.response * (responseRate ?? 1) + weights.solved * (solvedRate ?? 1)
            + weights.satisfaction * (satisfactionRate ?? 1))
    }

    /// Adds another row's counts (for the total).
    public mutating func add(_ other: UnitStats) {
        dispatched += other.dispatched
        claimedOnTime += other.claimedOnTime
        replied += other.replied
        repliedOnTime += other.repliedOnTime
        rated += other.rated
        solved += other.solved
        satisfied += other.satisfied
        badRatings += other.badRatings
        callbacksDone += other.callbacksDone
        rectified += other.rectified
        overdue += other.overdue
        returned += other.returned
        extended += other.extended
    }

    /// Rows sorted by score, highest first (ties by unit id), as the monthly ranking shows them.
    public static func ranked(_ rows: [UnitStats], weights: StatsWeights) -> [UnitStats] {
        rows.sorted {
            let a = $0.score(weights: weights), b = $1.score(weights: weights)
            return a != b ? a > b : $0.unit < $1.unit
        }
    }
}

extension UnitStats {
    /// What one ticket adds to its lead unit's counts (every count 0 or 1; `returned` is
    /// counted from events instead). Nil for a ticket with no lead unit.
    public init?(contributionOf ticket: Ticket) {
        guard let unit = ticket.unit else { return nil }
        self.init(unit: unit)
        func one(_ condition: Bool) -> Int { condition ? 1 : 0 }
        dispatched = 1
        claimedOnTime = one(ticket.claimedAt != nil && ticket.claimBy != nil && ticket.claimedAt! <= ticket.claimBy!)
        replied = one(ticket.repliedAt != nil)
        repliedOnTime = one(ticket.repliedAt != nil && !ticket.resolveOverdue)
        rated = one(ticket.rating != nil)
        solved = one(ticket.rating != nil && ticket.solved == true)
        satisfied = one(ticket.rating.map { !$0.isBad } ?? false)
        badRatings = one(ticket.badRated)
        callbacksDone = one(ticket.badRated && ticket.calledBack)
        rectified = one(ticket.rectified)
        overdue = one(ticket.unitOverdue)
        extended = one(ticket.extended)
    }

    /// The counts in the order of the store's `unitDay` columns.
    public var counts: [Int] {
        [dispatched, claimedOnTime, replied, repliedOnTime, rated, solved, satisfied, badRatings, callbacksDone,
         rectified, overdue, extended]
    }

    /// Sets the counts from values in the order of ``counts``.
    public mutating func setCounts(_ values: [Int]) {
        precondition(values.count == 12)
        dispatched = values[0]; claimedOnTime = values[1]; replied = values[2]; repliedOnTime = values[3]
        rated = values[4]; solved = values[5]; satisfied = values[6]; badRatings = values[7]
        callbacksDone = values[8]; rectified = values[9]; overdue = values[10]; extended = values[11]
    }
}
