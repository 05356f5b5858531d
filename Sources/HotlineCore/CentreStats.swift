/// The hotline centre's own figures (contract §9 `CentreStats`) for the tickets received in a
/// period over all channels: how many it answered itself (直办率), and how citizens rated
/// those answers.
public struct CentreStats: Sendable, Hashable, Codable {
    /// Tickets received.
    public var received: Int = 0
    /// Of those, answered by the centre itself (on the call or from the pending queue).
    public var answered: Int = 0
    /// Centre-answered tickets the citizen rated.
    public var rated: Int = 0
    /// Of those, rated very satisfied, satisfied or basic.
    public var satisfied: Int = 0
    /// Centre-answered tickets ever rated badly.
    public var badRatings: Int = 0
    /// Of those, called back.
    public var callbacksDone: Int = 0

    /// No tickets.
    public init() {}

    /// What one ticket adds (each count 0 or 1).
    public init(counting facts: StatsFacts) {
        func one(_ condition: Bool) -> Int { condition ? 1 : 0 }
        received = 1
        guard facts.centreAnswered else { return }
        answered = 1
        rated = one(facts.rating != nil)
        satisfied = one(facts.rating.map { !$0.isBad } ?? false)
        badRatings = one(facts.badRated)
        callbacksDone = one(facts.badRated && facts.calledBack)
    }

    /// answered / received.
    public var directRate: Double? { UnitStats.rate(answered, received) }
    /// satisfied / rated.
    public var satisfactionRate: Double? { UnitStats.rate(satisfied, rated) }
    /// callbacksDone / badRatings.
    public var callbackRate: Double? { UnitStats.rate(callbacksDone, badRatings) }

    /// The counts, named as on the wire and in the store's rollup, in one order.
    public static let counted: [(name: String, path: WritableKeyPath<CentreStats, Int> & Sendable)] = [
        ("received", \.received), ("answered", \.answered), ("rated", \.rated), ("satisfied", \.satisfied),
        ("badRatings", \.badRatings), ("callbacksDone", \.callbacksDone),
    ]

    /// Adds another row's counts, times `sign`.
    public mutating func add(_ other: CentreStats, sign: Int = 1) {
        received += sign * other.received
        answered += sign * other.answered
        rated += sign * other.rated
        satisfied += sign * other.satisfied
        badRatings += sign * other.badRatings
        callbacksDone += sign * other.callbacksDone
    }
}
