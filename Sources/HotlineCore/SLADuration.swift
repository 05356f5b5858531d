import Foundation

/// A deadline length as the configuration writes it (contract §4).
///
/// Wall-clock durations are plain additions; working durations count only working time on
/// the ``WorkCalendar``.
public enum SLADuration: Sendable, Hashable, CustomStringConvertible {
    /// `N minutes` of wall-clock time.
    case minutes(Int)
    /// `N hours` of wall-clock time.
    case hours(Int)
    /// `N days` of wall-clock time (24 hours each).
    case days(Int)
    /// `N working hours`: only time inside working hours on working days counts.
    case workingHours(Int)
    /// `N working days`: ends at `workday_end` of the N-th working day after the start date.
    case workingDays(Int)

    /// Parses `"N minutes"`, `"N hours"`, `"N days"`, `"N working hours"` or `"N working days"`
    /// (singular units are accepted too). N must be a whole number of at least 1.
    public init?(_ text: String) {
        let words = text.split(whereSeparator: \.isWhitespace).map { $0.lowercased() }
        guard words.count == 2 || words.count == 3, let n = Int(words[0]), n >= 1, n <= 100_000 else { return nil }
        switch words.dropFirst().joined(separator: " ") {
        case "minute", "minutes": self = .minutes(n)
        case "hour", "hours": self = .hours(n)
        case "day", "days": self = .days(n)
        case "working hour", "working hours": self = .workingHours(n)
        case "working day", "working days": self = .workingDays(n)
        default: return nil
        }
    }

    /// The canonical text, e.g. `10 working days`.
    public var description: String {
        switch self {
        case .minutes(let n): "\(n) minutes"
        case .hours(let n): "\(n) hours"
        case .days(let n): "\(n) days"
        case .workingHours(let n): "\(n) working hours"
        case .workingDays(let n): "\(n) working days"
        }
    }

    /// The wall-clock length in seconds, nil for working durations.
    public var wallClockSeconds: TimeInterval? {
        switch self {
        case .minutes(let n): TimeInterval(n) * 60
        case .hours(let n): TimeInterval(n) * 3600
        case .days(let n): TimeInterval(n) * 86400
        case .workingHours, .workingDays: nil
        }
    }
}
