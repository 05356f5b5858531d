/// One unit's monthly figures (contract §5 `UnitStats`) for tickets received in a period.
///
/// The counts come from the store, each ticket's from ``init(unit:counting:)``; the rates
/// and the score are derived here. A rate counts only the tickets whose outcome is known
/// (`claimDue`, `replyDue`) and is nil when its denominator is 0.
public struct UnitStats: Sendable, Hashable, Codable {
    /// The unit's id; `total` for the total row.
    public var unit: String
    /// Tickets dispatched to the unit.
    public var dispatched: Int = 0
    /// Of those, claimed, or whose claim deadline has passed: the ones whose response is known.
    public var claimDue: Int = 0
    /// Of those, claimed by their claim deadline.
    public var claimedOnTime: Int = 0
    /// Tickets replied to, or whose resolve deadline has passed: the ones whose outcome is known.
    public var replyDue: Int = 0
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
    /// Tickets the hotline centre urged on at least once.
    public var urged: Int = 0

    /// Creates an empty row for a unit.
    public init(unit: String) {
        self.unit = unit
    }

    /// What one ticket led by `unit` adds to the unit's counts (each 0 or 1; `returned` is
    /// counted from the returning unit's events instead).
    public init(unit: String, counting facts: StatsFacts) {
        self.unit = unit
        func one(_ condition: Bool) -> Int { condition ? 1 : 0 }
        dispatched = 1
        claimDue = one(facts.claimed || facts.claimOverdue)
        claimedOnTime = one(facts.claimedOnTime)
        replyDue = one(facts.replied || facts.resolveOverdue)
        replied = one(facts.replied)
        repliedOnTime = one(facts.replied && !facts.resolveOverdue)
        rated = one(facts.rating != nil)
        solved = one(facts.rating != nil && facts.solved)
        satisfied = one(facts.rating.map { !$0.isBad } ?? false)
        badRatings = one(facts.badRated)
        callbacksDone = one(facts.badRated && facts.calledBack)
        rectified = one(facts.rectified)
        overdue = one(facts.unitOverdue)
        extended = one(facts.extended)
        urged = one(facts.urged)
    }

    /// What `ticket` adds to its lead unit's counts; nil for a ticket with no lead unit.
    public init?(contributionOf ticket: Ticket) {
        guard let unit = ticket.unit else { return nil }
        self.init(unit: unit, counting: StatsFacts(ticket))
    }

    static func rate(_ part: Int, _ whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) / Double(whole)
    }

    /// claimedOnTime / claimDue.
    public var responseRate: Double? { Self.rate(claimedOnTime, claimDue) }
    /// repliedOnTime / replyDue.
    public var onTimeRate: Double? { Self.rate(repliedOnTime, replyDue) }
    /// solved / rated.
    public var solvedRate: Double? { Self.rate(solved, rated) }
    /// satisfied / rated.
    public var satisfactionRate: Double? { Self.rate(satisfied, rated) }
    /// callbacksDone / badRatings.
    public var callbackRate: Double? { Self.rate(callbacksDone, badRatings) }

    /// 100 × the weighted mean of the response, solved and satisfaction rates that are known,
    /// the weights of the unknown ones left out; nil when none is known (or the known ones
    /// weigh nothing).
    public func score(weights: StatsWeights) -> Double? {
        let terms = [
            (responseRate, weights.response), (solvedRate, weights.solved), (satisfactionRate, weights.satisfaction),
        ]
        var sum = 0.0
        var weight = 0.0
        for case (let rate?, let w) in terms {
            sum += w * rate
            weight += w
        }
        return weight > 0 ? 100 * sum / weight : nil
    }

    /// The counts, named as on the wire and in the store's rollup, in one order.
    public static let counted: [(name: String, path: WritableKeyPath<UnitStats, Int> & Sendable)] = [
        ("dispatched", \.dispatched), ("claimDue", \.claimDue), ("claimedOnTime", \.claimedOnTime),
        ("replyDue", \.replyDue), ("replied", \.replied), ("repliedOnTime", \.repliedOnTime), ("rated", \.rated),
        ("solved", \.solved), ("satisfied", \.satisfied), ("badRatings", \.badRatings),
        ("callbacksDone", \.callbacksDone), ("rectified", \.rectified), ("overdue", \.overdue),
        ("extended", \.extended), ("urged", \.urged), ("returned", \.returned),
    ]

    /// The counts of the rollup (all but `returned`, which comes from events), in the order of ``counted``.
    public static let rolledUp = counted.filter { $0.name != "returned" }

    /// Adds another row's counts, times `sign` (for the total, or to move a contribution).
    /// Written out field by field: the sweep calls it twice per passed deadline.
    public mutating func add(_ other: UnitStats, sign: Int = 1) {
        dispatched += sign * other.dispatched
        claimDue += sign * other.claimDue
        claimedOnTime += sign * other.claimedOnTime
        replyDue += sign * other.replyDue
        replied += sign * other.replied
        repliedOnTime += sign * other.repliedOnTime
        rated += sign * other.rated
        solved += sign * other.solved
        satisfied += sign * other.satisfied
        badRatings += sign * other.badRatings
        callbacksDone += sign * other.callbacksDone
        rectified += sign * other.rectified
        overdue += sign * other.overdue
        extended += sign * other.extended
        urged += sign * other.urged
        returned += sign * other.returned
    }

    /// Rows sorted by score, highest first; rows without a score last; ties by unit id.
    public static func ranked(_ rows: [UnitStats], weights: StatsWeights) -> [UnitStats] {
        rows.map { ($0, $0.score(weights: weights)) }.sorted { a, b in
            switch (a.1, b.1) {
            case let (x?, y?) where x != y: x > y
            case (.some, nil): true
            case (nil, .some): false
            default: a.0.unit < b.0.unit
            }
        }.map(\.0)
    }
}
