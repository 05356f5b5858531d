import HotlineCore

/// The readable ids every store hands out, spelt the same on every backend: a ticket's is its
/// local day and that day's number (`20261129-0042`), an entry's its row number (`K000042`).
package enum ReadableIDs {
    /// The key of a local day: `20261129`.
    package static func day(_ date: LocalDate) -> String {
        padded(date.year, 4) + padded(date.month, 2) + padded(date.day, 2)
    }

    /// Ticket `number` of the day with key `day`: `20261129-0042` (more digits past 9999).
    package static func ticket(day: String, number: Int) -> String { day + "-" + padded(number, 4) }

    /// The knowledge-base entry with row number `seq`: `K000042`.
    package static func entry(_ seq: Int64) -> String { "K" + padded(Int(seq), 6) }

    /// `value` in decimal, zero-padded to at least `width` digits (`String(format:)` costs
    /// more than the rest of building an id).
    package static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
