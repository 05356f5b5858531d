/// Order statistics of a benchmark's timings.
public enum Percentiles {
    /// The middle of `values` (the upper one of two), 0 when there are none.
    public static func median(_ values: [Double]) -> Double {
        values.sorted().dropFirst(values.count / 2).first ?? 0
    }

    /// The `p`-th percentile (0…100) of `values` by the nearest-rank method: the smallest value
    /// that at least `p` % of the values do not exceed; 0 when there are none.
    public static func percentile(_ p: Double, of values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }
}
