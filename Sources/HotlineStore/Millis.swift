import Foundation

/// Times are stored to the millisecond (SQLite: integer milliseconds since 1970; PostgreSQL:
/// `timestamptz` written at the millisecond), so that what is read back equals what was
/// written and both backends answer the same instants.
extension Date {
    /// Milliseconds since 1970, rounded down.
    package var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The instant `millis` milliseconds after 1970.
    package init(millis: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(millis) / 1000)
    }
}

extension Int64 {
    /// The quotient rounded down (towards minus infinity).
    package func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

/// A list of strings as the stores keep it in one column (co-handling units, cited
/// knowledge-base entries, keywords): a JSON array.
package enum StoredList {
    /// `values` as a JSON array.
    package static func json(_ values: [String]) -> String {
        values.isEmpty ? "[]" : String(decoding: (try? JSONEncoder().encode(values)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The strings of a JSON array (none for anything else).
    package static func values(fromJSON json: String) -> [String] {
        json == "[]" ? [] : (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }
}
