import Foundation
import Varlink

/// Times as the people at the hotline read them: the wire's RFC 3339 time (already in the
/// centre's time zone) as `2026-10-09 17:30`, and how long is left or how long overdue.
public enum TimeText {
    /// `2026-10-09T17:30:00+08:00` → `2026-10-09 17:30`; anything else unchanged.
    public static func local(_ wire: String) -> String {
        let parts = wire.split(separator: "T", maxSplits: 1)
        guard parts.count == 2, parts[1].count >= 5 else { return wire }
        return "\(parts[0]) \(parts[1].prefix(5))"
    }

    /// `in 2 d 3 h`, `in 45 min`, `overdue 1 d 2 h` (wall-clock time between now and `wire`).
    public static func left(until wire: String, now: Date) -> String? {
        guard let due = RFC3339.parse(wire) else { return nil }
        let seconds = due.timeIntervalSince(now)
        let span = span(abs(seconds))
        return seconds >= 0 ? "in \(span)" : "overdue \(span)"
    }

    /// A duration in the two largest units: `3 d 4 h`, `2 h 5 min`, `12 min`, `<1 min`.
    public static func span(_ seconds: TimeInterval) -> String {
        let minutes = Int(seconds / 60)
        if minutes < 1 { return "<1 min" }
        let days = minutes / 1440
        let hours = (minutes % 1440) / 60
        let rest = minutes % 60
        if days > 0 { return hours > 0 ? "\(days) d \(hours) h" : "\(days) d" }
        if hours > 0 { return rest > 0 ? "\(hours) h \(rest) min" : "\(hours) h" }
        return "\(rest) min"
    }
}
