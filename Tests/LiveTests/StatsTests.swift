import Foundation
import HotlineTesting
import Testing
import Varlink

/// A hand-computed month: 21 tickets over three units covering every Stats field.
@Suite("Stats on a hand-computed fixture", .serialized, .enabled(if: isRoot, "setpriv needs root"))
struct StatsTests {
    @Test("Every field, rate, score and the ranking")
    func fixture() throws {
        let daemon = try startedDaemon()
        func id(_ s: String) -> JSONValue { .string(s) }
        try setTime(daemon, "2026-09-21T09:00:00+08:00")
        // Water: W1…W8 routed by keyword (co-unit gas). Power: P1…P6 by category. Gas: G1…G6 dispatched by hand.
        let w = try (1...8).map { try submit(daemon, "W\($0)", content: "停水第\($0)户") }
        let p = try (1...6).map { try submit(daemon, "P\($0)", content: "停电", extra: ["category": "power"]) }
        let g = try (1...6).map { try submit(daemon, "G\($0)", content: "路面破损") }
        for t in g { try must(daemon, "Dispatch", ["id": id(t), "unit": "gas"], as: .operator) }
        // Outside the period: received the day before.
        _ = try submit(daemon, "X1", content: "停水", extra: ["receivedAt": "2026-09-20T12:00:00+08:00"])
        // Every ticket is still inside its claim window: nothing is known, nobody is scored.
        let early = try daemon.call(
            "org.hotline.Dispatch.Stats",
            ["from": "2026-09-21T00:00:00+08:00", "to": "2026-10-01T00:00:00+08:00"]
        )
        for row in try #require(early.parameters["units"]?.arrayValue) {
            #expect(
                row["dispatched"]?.intValue ?? 0 > 0 && row["claimDue"] == 0 && row["responseRate"] == .null
                    && row["score"] == .null,
                "\(row)"
            )
        }

        try setTime(daemon, "2026-09-21T09:30:00+08:00")
        for t in [w[0], w[1], w[2], w[3], w[4], w[7]] { try must(daemon, "Claim", ["id": id(t)], as: .water) }
        for t in [p[0], p[1], p[2], p[4], p[5]] { try must(daemon, "Claim", ["id": id(t)], as: .power) }
        for t in g[0...4] { try must(daemon, "Claim", ["id": id(t)], as: .gas) }
        try must(daemon, "Merge", ["id": id(g[5]), "into": id(g[0])], as: .operator)
        try must(daemon, "Return", ["id": id(w[6]), "reason": "属供电公司"], as: .water)
        try must(daemon, "Dispatch", ["id": id(w[6]), "unit": "power"], as: .operator)
        try setTime(daemon, "2026-09-21T09:45:00+08:00")
        try must(daemon, "Claim", ["id": id(w[6])], as: .power)

        try setTime(daemon, "2026-09-21T10:00:00+08:00")
        for t in w[0...4] { try must(daemon, "Reply", ["id": id(t), "result": "已处理"], as: .water) }
        for t in [p[0], p[1], p[2], p[5]] { try must(daemon, "Reply", ["id": id(t), "result": "已处理"], as: .power) }
        for t in g[0...3] { try must(daemon, "Reply", ["id": id(t), "result": "已处理"], as: .gas) }
        try setTime(daemon, "2026-09-21T10:30:00+08:00")
        try must(
            daemon,
            "RequestExtension",
            ["id": id(w[7]), "reason": "需停水施工", "until": "2026-11-30T17:30:00+08:00"],
            as: .water
        )
        try must(daemon, "DecideExtension", ["id": id(w[7]), "approve": true], as: .supervisor)

        try setTime(daemon, "2026-09-21T12:00:00+08:00")  // W6 (claimBy 11:00) and P4 (10:00) miss their claims
        try must(daemon, "Claim", ["id": id(w[5])], as: .water)
        try setTime(daemon, "2026-09-21T12:30:00+08:00")
        try must(daemon, "Reply", ["id": id(w[5]), "result": "已处理"], as: .water)

        try setTime(daemon, "2026-09-21T13:00:00+08:00")
        func rate(_ t: String, _ rating: String, _ solved: Bool) throws {
            try must(daemon, "Rate", ["id": id(t), "rating": .string(rating), "solved": .bool(solved)], as: .operator)
        }
        try rate(w[0], "satisfied", true)
        try rate(w[1], "very_satisfied", true)
        try rate(w[2], "basic", false)
        try rate(w[3], "dissatisfied", false)
        try rate(w[4], "very_dissatisfied", false)
        for t in p[0...2] { try rate(t, "satisfied", true) }
        try rate(p[5], "basic", true)
        for t in g[0...2] { try rate(t, "satisfied", true) }
        try setTime(daemon, "2026-09-21T14:00:00+08:00")
        try must(daemon, "Callback", ["id": id(w[3]), "outcome": "explained", "note": "已解释"], as: .operator)
        try must(daemon, "Callback", ["id": id(w[4]), "outcome": "rectify", "note": "再次上门"], as: .operator)
        try setTime(daemon, "2026-09-21T15:00:00+08:00")
        try must(daemon, "Reply", ["id": id(w[4]), "result": "已更换水表"], as: .water)
        try setTime(daemon, "2026-09-21T15:30:00+08:00")
        try rate(w[4], "satisfied", true)

        try setTime(daemon, "2026-09-22T09:00:01+08:00")  // P5's 24-hour resolve deadline passes
        try must(daemon, "Reply", ["id": id(p[4]), "result": "已处理"], as: .power)
        try setTime(daemon, "2026-09-22T10:30:00+08:00")
        try rate(p[4], "dissatisfied", false)
        for _ in 1...3 {
            try must(daemon, "Callback", ["id": id(p[4]), "outcome": "unreachable", "note": "无人接听"], as: .operator)
        }

        let reply = try daemon.call(
            "org.hotline.Dispatch.Stats",
            ["from": "2026-09-21T00:00:00+08:00", "to": "2026-10-01T00:00:00+08:00"]
        )
        let units = try #require(reply.parameters["units"]?.arrayValue)
        #expect(units.compactMap { $0["unit"]?.stringValue } == ["gas", "power", "water"])  // ranked by score

        // Rates are exact; a rate counts only tickets whose outcome is known: G6 was merged
        // before its claim deadline and W8's and W7's due times are weeks away, so they count
        // against nobody; P4 missed both its claim and its 24-hour due time unreplied.
        let expected: [String: [String: JSONValue]] = [
            "water": [
                "dispatched": 7, "claimDue": 7, "claimedOnTime": 6, "responseRate": .double(6 / 7), "replyDue": 6,
                "replied": 6,
                "repliedOnTime": 6, "onTimeRate": .double(1), "rated": 5, "solved": 3, "solvedRate": .double(0.6),
                "satisfied": 4,
                "satisfactionRate": .double(0.8), "badRatings": 2, "callbacksDone": 2, "callbackRate": .double(1),
                "rectified": 1, "overdue": 1, "returned": 1, "extended": 1,
                "score": .double(100 * (0.30 * 6 / 7 + 0.35 * 0.6 + 0.35 * 0.8)),
            ],
            "power": [
                "dispatched": 7, "claimDue": 7, "claimedOnTime": 6, "responseRate": .double(6 / 7), "replyDue": 6,
                "replied": 5,
                "repliedOnTime": 4, "onTimeRate": .double(4 / 6), "rated": 5, "solved": 4, "solvedRate": .double(0.8),
                "satisfied": 4,
                "satisfactionRate": .double(0.8), "badRatings": 1, "callbacksDone": 1, "callbackRate": .double(1),
                "rectified": 0, "overdue": 2, "returned": 0, "extended": 0,
                "score": .double(100 * (0.30 * 6 / 7 + 0.35 * 0.8 + 0.35 * 0.8)),
            ],
            "gas": [
                "dispatched": 6, "claimDue": 5, "claimedOnTime": 5, "responseRate": .double(1), "replyDue": 4,
                "replied": 4,
                "repliedOnTime": 4, "onTimeRate": .double(1), "rated": 3, "solved": 3, "solvedRate": .double(1),
                "satisfied": 3,
                "satisfactionRate": .double(1), "badRatings": 0, "callbacksDone": 0, "callbackRate": .null,
                "rectified": 0, "overdue": 0, "returned": 0, "extended": 0, "score": .double(100),
            ],
        ]
        for row in units {
            let unit = try #require(row["unit"]?.stringValue)
            for (field, value) in expected[unit] ?? [:] {
                #expect(Self.same(row[field], value), "\(unit).\(field): \(String(describing: row[field])) ≠ \(value)")
            }
        }
        // The total is scored from the summed figures, not from the units' scores.
        let total = try #require(reply.parameters["total"])
        let totals: [String: JSONValue] = [
            "unit": "total", "dispatched": 20, "claimDue": 19, "claimedOnTime": 17, "replyDue": 16, "replied": 15,
            "repliedOnTime": 14, "rated": 13, "solved": 10, "satisfied": 11, "badRatings": 3, "callbacksDone": 3,
            "rectified": 1, "overdue": 3, "returned": 1, "extended": 1, "responseRate": .double(17 / 19),
            "onTimeRate": .double(14 / 16), "solvedRate": .double(10 / 13), "satisfactionRate": .double(11 / 13),
            "callbackRate": .double(1), "score": .double(100 * (0.30 * 17 / 19 + 0.35 * 10 / 13 + 0.35 * 11 / 13)),
        ]
        for (field, value) in totals {
            #expect(Self.same(total[field], value), "total.\(field): \(String(describing: total[field])) ≠ \(value)")
        }

        #expect(reply.parameters["weights"] == ["response": 0.30, "solved": 0.35, "satisfaction": 0.35])

        // A unit sees its own row only.
        let own = try daemon.call(
            "org.hotline.Dispatch.Stats",
            ["from": "2026-09-21T00:00:00+08:00", "to": "2026-10-01T00:00:00+08:00"],
            as: .water
        )
        #expect(own.parameters["units"]?.arrayValue?.compactMap { $0["unit"]?.stringValue } == ["water"])
        #expect(own.parameters["total"]?["dispatched"] == 7)
        // An empty period: every rate and score null, the units by id.
        let empty = try daemon.call(
            "org.hotline.Dispatch.Stats",
            ["from": "2026-08-01T00:00:00+08:00", "to": "2026-09-01T00:00:00+08:00"]
        )
        let idle = try #require(empty.parameters["units"]?.arrayValue)
        #expect(idle.compactMap { $0["unit"]?.stringValue } == ["gas", "power", "water"])
        for row in idle + [try #require(empty.parameters["total"])] {
            #expect(row["responseRate"] == .null && row["onTimeRate"] == .null && row["score"] == .null)
        }
        let backwards = try daemon.call(
            "org.hotline.Dispatch.Stats",
            ["from": "2026-10-01T00:00:00+08:00", "to": "2026-09-01T00:00:00+08:00"]
        )
        #expect(backwards.errorName == "InvalidParameter")
    }

    /// Numbers compare as numbers (an integral double may arrive as an integer), to within
    /// the last bits of a double: rates and scores are sent exact.
    static func same(_ a: JSONValue?, _ b: JSONValue) -> Bool {
        guard let a else { return false }
        if let x = a.doubleValue, let y = b.doubleValue { return abs(x - y) <= 1e-12 * max(1, abs(y)) }
        return a == b
    }
}
