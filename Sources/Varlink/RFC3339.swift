import Foundation

/// RFC 3339 times on the wire: always with an offset, to the millisecond.
public enum RFC3339 {
    /// Parses `2026-11-29T09:30:00+08:00`, `…Z`, with or without fractional seconds.
    /// Returns nil for anything without an offset. The result is truncated to milliseconds.
    public static func parse(_ text: String) -> Date? {
        guard text.count >= 20, text.count <= 40 else { return nil }
        guard hasOffset(text) else { return nil }
        let normalized = text.replacingOccurrences(of: "t", with: "T").replacingOccurrences(of: "z", with: "Z")
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let plain = Date.ISO8601FormatStyle()
        guard let date = (try? withFraction.parse(normalized)) ?? (try? plain.parse(normalized)) else { return nil }
        return Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }

    private static func hasOffset(_ text: String) -> Bool {
        if text.hasSuffix("Z") || text.hasSuffix("z") { return true }
        let tail = Array(text.suffix(6))
        return (tail[0] == "+" || tail[0] == "-") && tail[1].isASCII && tail[1].isNumber && tail[2].isNumber
            && tail[3] == ":" && tail[4].isNumber && tail[5].isNumber
    }

    /// Formats an instant in `timeZone`, e.g. `2026-11-29T09:30:00+08:00` (milliseconds
    /// are written only when there are any).
    public static func format(_ date: Date, in timeZone: TimeZone) -> String {
        let hasFraction = (date.timeIntervalSince1970 * 1000).rounded().truncatingRemainder(dividingBy: 1000) != 0
        let style = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, includingFractionalSeconds: hasFraction, timeZone: timeZone)
        return style.format(date)
    }
}
