import Foundation
import HotlineCore
import HotlineStore
import PostgresNIO

extension PostgresTicketStore {
    /// The tickets that match `query` and `caller` may see, newest first, one page of them,
    /// and how many match in all. Words go through `ticket_text`'s GIN index (the ticket's
    /// distinct bigrams, `tokens @> pairs`); a word longer than two characters must also
    /// occur in one of the fields (its bigrams may be apart), as on SQLite. A phone goes
    /// through `ticket_phone_digits`. The matches are found once (`MATERIALIZED`), and the
    /// total and the page are taken from them.
    public func search(
        _ query: SearchQuery,
        visibleTo caller: Caller
    ) async throws -> (tickets: [Ticket], total: Int, next: String?) {
        var binds = PostgresBindings()
        func bind<T: PostgresNonThrowingEncodable>(_ value: T) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var conditions: [String] = []
        if let words = query.words {
            conditions.append(
                "t.seq IN (SELECT seq FROM ticket_text WHERE tokens @> \(bind(SearchTerms.pairs(words: words)))::text[])"
            )
            for word in words where word.unicodeScalars.count > 2 {
                conditions.append(Self.textContains(bind(word), folding: Self.hasLatin(word), in: Self.searchedFields))
            }
        }
        if let unit = caller.role.unitID { conditions.append(Self.involvesUnit(bind(unit))) }
        if let digits = query.phoneDigits {
            conditions.append(
                "t.citizen_phone IS NOT NULL AND \(PhoneNumber.sqlDigits("t.citizen_phone")) = \(bind(digits))"
            )
        }
        if let category = query.category { conditions.append("t.category = \(bind(category))") }
        if let district = query.district { conditions.append("t.district = \(bind(district))") }
        if let unit = query.unit { conditions.append(Self.involvesUnit(bind(unit))) }
        if !query.statuses.isEmpty {
            conditions.append("t.status = ANY(\(bind(query.statuses.map(\.rawValue)))::text[])")
        }
        if let channel = query.channel { conditions.append("t.channel = \(bind(channel.rawValue))") }
        if let from = query.from { conditions.append("t.received_at >= \(bind(Instant(from)))") }
        if let to = query.to { conditions.append("t.received_at < \(bind(Instant(to)))") }
        let matching =
            "SELECT t.seq, t.received_at, t.id FROM ticket t"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
        var page = "SELECT seq FROM m"
        if let after = query.after {
            guard
                let cursor = try await rows(
                    "SELECT received_at, id FROM ticket WHERE id = $1",
                    Self.bindings(after)
                ).first
            else {
                throw HotlineError.invalidParameter(parameter: "after", reason: "not a cursor this daemon gave out")
            }
            let (receivedAt, id) = try cursor.decode((Date, String).self)
            let at = bind(Instant(Ticket.toMillisecond(receivedAt)))
            page += " WHERE received_at < \(at) OR (received_at = \(at) AND id < \(bind(id)))"
        }
        page += " ORDER BY received_at DESC, id DESC LIMIT \(bind(query.limit + 1))"
        let sql = """
            WITH m AS MATERIALIZED (\(matching))
            SELECT (SELECT count(*) FROM m), \(Ticket.postgresCompletedColumns("t"))
            FROM (SELECT count(*) AS n FROM m) total
            LEFT JOIN (\(page)) p ON true
            LEFT JOIN ticket t ON t.seq = p.seq
            ORDER BY t.received_at DESC, t.id DESC
            """
        let rows = try await rows(sql, binds)
        var total = 0
        var tickets: [Ticket] = []
        for row in rows {
            total = try row.makeRandomAccess()[0].decode(Int.self)
            // The count comes once without a page (a cursor at the end): no ticket then.
            if try row.makeRandomAccess()[1].decode(String?.self) == nil { continue }
            tickets.append(try Ticket(postgresRow: row, startingAt: 1))
        }
        var next: String?
        if tickets.count > query.limit {
            tickets.removeLast()
            next = tickets.last?.id
        }
        return (tickets, total, next)
    }

    /// The searched fields of `ticket t`, each on its own (a word never spans two fields).
    static let searchedFields = ["t.title", "t.content", "t.address", "t.result"]

    /// Whether `word` has Latin letters (which match case-insensitively).
    static func hasLatin(_ word: String) -> Bool {
        word.utf8.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
    }

    /// A condition: one of `fields` holds the word bound at `placeholder` (lower-cased, as
    /// ``SearchTerms/words(_:)`` gives it); the fields lower-cased only when it has Latin
    /// letters, as on SQLite.
    static func textContains(_ placeholder: String, folding: Bool, in fields: [String]) -> String {
        "("
            + fields.map { folding ? "strpos(lower(\($0)), \(placeholder)) > 0" : "strpos(\($0), \(placeholder)) > 0" }
            .joined(separator: " OR ") + ")"
    }
}
