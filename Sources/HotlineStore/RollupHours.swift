/// A period `[from, to)` (milliseconds since 1970) as the whole rollup hours inside it, read
/// from a store's hour rollup, and the parts at its ends outside them, read from the tickets.
/// Both stores' figures and hot spots split their periods this way.
package struct RollupHours: Sendable, Equatable {
    /// The length of a rollup hour: an hour of UTC, so that an hour never straddles a period's
    /// boundary by more than an hour in any zone.
    package static let length: Int64 = 3_600_000

    /// The whole hours, as hour numbers `[first, last)`; none when they are equal.
    package let first: Int64
    package let last: Int64
    /// The period's bounds.
    package let from: Int64
    package let to: Int64
    /// The parts outside the whole hours are `[from, headEnd)` and `[tailStart, to)`: the
    /// whole period and nothing when there are no whole hours.
    package let headEnd: Int64
    package let tailStart: Int64

    /// The split of `[from, to)`.
    package init(from: Int64, to: Int64) {
        let first = (from + Self.length - 1).floorDivided(by: Self.length)
        let last = to.floorDivided(by: Self.length)
        self.from = from
        self.to = to
        self.first = first
        if first < last {
            self.last = last
            headEnd = first * Self.length
            tailStart = last * Self.length
        } else {
            self.last = first
            headEnd = to
            tailStart = to
        }
    }

    /// Whether the period holds no whole hour.
    package var isEmpty: Bool { first == last }

    /// The hour an instant falls in.
    package static func hour(of millis: Int64) -> Int64 { millis.floorDivided(by: length) }
}
