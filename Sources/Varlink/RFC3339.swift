import Foundation

/// RFC 3339 times on the wire: always with an offset, to the millisecond.
public enum RFC3339 {
    /// Parses `2026-11-29T09:30:00+08:00`, `…Z`, with or without fractional seconds.
    /// Returns nil for anything without an offset. The result is truncated to milliseconds,
    /// taken from the digits as written: Foundation's binary fraction for `.002` is just under
    /// 0.002, which truncated one in nine millisecond values to the one before.
    public static func parse(_ text: String) -> Date? {
        guard text.count >= 20, text.count <= 40 else { return nil }
        guard hasOffset(text) else { return nil }
        var normalized = Array(
            text.replacingOccurrences(of: "t", with: "T").replacingOccurrences(of: "z", with: "Z").utf8
        )
        // "YYYY-MM-DDTHH:MM:SS" is 19 bytes; a fraction follows as "." and digits.
        var millis: Int64 = 0
        if normalized.count > 20, normalized[19] == UInt8(ascii: ".") {
            var end = 20
            while end < normalized.count, normalized[end] >= UInt8(ascii: "0"), normalized[end] <= UInt8(ascii: "9") {
                end += 1
            }
            guard end > 20 else { return nil }
            for index in 20..<23 {
                millis = millis * 10 + (index < end ? Int64(normalized[index] - UInt8(ascii: "0")) : 0)
            }
            normalized.removeSubrange(19..<end)
        }
        guard let whole = try? Date.ISO8601FormatStyle().parse(String(decoding: normalized, as: UTF8.self)) else {
            return nil
        }
        // The same arithmetic as the store's `Date(millis:)`, so the instant round-trips exactly.
        let seconds = Int64(whole.timeIntervalSince1970.rounded(.down))
        return Date(timeIntervalSince1970: TimeInterval(seconds * 1000 + millis) / 1000)
    }

    private static func hasOffset(_ text: String) -> Bool {
        if text.hasSuffix("Z") || text.hasSuffix("z") { return true }
        let tail = Array(text.suffix(6))
        return (tail[0] == "+" || tail[0] == "-") && tail[1].isASCII && tail[1].isNumber && tail[2].isNumber
            && tail[3] == ":" && tail[4].isNumber && tail[5].isNumber
    }

    /// Formats an instant in `timeZone`, e.g. `2026-11-29T09:30:00+08:00` (milliseconds
    /// are written only when there are any; UTC is written `Z`). Written out by hand: a reply
    /// carries a dozen times, and a Foundation format style per time cost ≈ 2 % of the
    /// daemon's CPU per call.
    public static func format(_ date: Date, in timeZone: TimeZone) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let offset = timeZone.secondsFromGMT(for: date)
        let local = millis.floorDivided(by: 1000) + Int64(offset)
        let fraction = Int(millis - millis.floorDivided(by: 1000) * 1000)
        let days = local.floorDivided(by: 86400)
        let secondOfDay = Int(local - days * 86400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)

        var text = ""
        text.reserveCapacity(29)
        func append(_ value: Int, width: Int) {
            let digits = String(value)
            if digits.utf8.count < width { text += String(repeating: "0", count: width - digits.utf8.count) }
            text += digits
        }
        append(year, width: 4)
        text += "-"
        append(month, width: 2)
        text += "-"
        append(day, width: 2)
        text += "T"
        append(secondOfDay / 3600, width: 2)
        text += ":"
        append(secondOfDay / 60 % 60, width: 2)
        text += ":"
        append(secondOfDay % 60, width: 2)
        if fraction != 0 {
            text += "."
            append(fraction, width: 3)
        }
        if offset == 0 {
            text += "Z"
        } else {
            text += offset < 0 ? "-" : "+"
            append(abs(offset) / 3600, width: 2)
            text += ":"
            append(abs(offset) / 60 % 60, width: 2)
        }
        return text
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`).
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}

extension Int64 {
    /// Division rounding towards minus infinity.
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
