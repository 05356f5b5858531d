import Foundation
import Testing

@testable import HotlinePostgres

@Suite("JSON records for the statements' record sets")
struct JSONRecordsTests {
    private struct Row: Decodable, Equatable {
        var n: Int64
        var note: String?
    }

    @Test("Every string reads back as it was written, escapes and all, and a missing one is null")
    func roundTrip() throws {
        let notes: [String?] = [
            "小区停水两天了", "quote \" and backslash \\ and slash /", "line\nbreak\r\ttab",
            "\u{0}\u{1}\u{1f} controls", "emoji 🚰 and \u{2028} separator", "", nil,
        ]
        var records = JSONRecords()
        for (index, note) in notes.enumerated() {
            records.append {
                $0.field("n", Int64(index) - 3)
                $0.field("note", note)
            }
        }
        let rows = try JSONDecoder().decode([Row].self, from: Data(records.json.utf8))
        #expect(rows == notes.enumerated().map { Row(n: Int64($0.offset) - 3, note: $0.element) })
        #expect(records.json.contains(#""note":null"#))
        #expect(records.json.contains(#"\u0000\u0001\u001f"#))
    }

    @Test("No records is an empty array; one record has no separators around it")
    func shapes() {
        #expect(JSONRecords().json == "[]")
        var one = JSONRecords()
        one.append {
            $0.field("kind", "claim")
            $0.field("due_at", 1_700_000_000_000)
        }
        #expect(one.json == #"[{"kind":"claim","due_at":1700000000000}]"#)
    }
}
