/// The weights of a unit's score (contract §5, `[stats]`): score = 100 × the weighted sum
/// of response, solved and satisfaction rates.
public struct StatsWeights: Sendable, Hashable {
    /// Weight of the response (claimed on time) rate (default 0.30).
    public var response: Double = 0.30
    /// Weight of the solved rate (default 0.35).
    public var solved: Double = 0.35
    /// Weight of the satisfaction rate (default 0.35).
    public var satisfaction: Double = 0.35

    /// The contract's defaults.
    public init() {}
}
