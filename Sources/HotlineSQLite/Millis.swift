import Foundation

/// Times are stored as integer milliseconds since 1970, so that what is read back equals
/// what was written.
extension Date {
    /// Milliseconds since 1970, rounded down.
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The instant `millis` milliseconds after 1970.
    init(millis: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(millis) / 1000)
    }
}

extension Int64 {
    /// The quotient rounded down (towards minus infinity).
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
