import Foundation
import HotlineTesting
import Testing
import Varlink

/// Finding tickets (contract §9 Search): by their words, by the caller's phone, by filters.
@Suite("Search on the live daemon", .serialized, .enabled(if: isRoot, "setpriv needs root"))
struct SearchTests {
    func search(
        _ daemon: TestDaemon,
        _ parameters: [String: JSONValue],
        as identity: Identity? = nil
    ) throws
        -> VarlinkReply
    {
        guard let identity else { return try daemon.call("org.hotline.Dispatch.Search", parameters) }
        return try daemon.call("org.hotline.Dispatch.Search", parameters, as: identity)
    }

    func ids(_ reply: VarlinkReply) -> [String] {
        (reply.parameters["tickets"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
    }

    @Test("Two-character Chinese words and Latin substrings through the index; every word; newest first")
    func text() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-09-21T09:00:00+08:00")
        let a = try submit(daemon, "s-1", content: "小区停水三天了，水压也低", extra: ["location": ["address": "岳阳楼区KFC对面"]])
        try setTime(daemon, "2026-09-21T10:00:00+08:00")
        let b = try submit(daemon, "s-2", content: "路灯不亮", extra: ["title": "停水通知"])
        let c = try submit(daemon, "s-3", content: "停电", extra: ["category": "power"])
        #expect(ids(try search(daemon, ["text": "停水"])) == [b, a])
        #expect(ids(try search(daemon, ["text": "停水 水压"])) == [a])
        #expect(ids(try search(daemon, ["text": "kfc"])) == [a])  // in the address, any case
        #expect(ids(try search(daemon, ["text": "区KFC对面 水压"])) == [a])  // mixed Chinese and Latin in one word
        #expect(ids(try search(daemon, ["text": "水三"])) == [a])
        #expect(ids(try search(daemon, ["text": "了水"])).isEmpty)  // not across the comma
        #expect(
            try search(daemon, ["text": "停电"]).parameters["total"] == 1
                && ids(try search(daemon, ["text": "停电"])) == [c]
        )
        // The answer is searched too, once there is one.
        let pending = try submit(daemon, "s-4", content: "井盖缺失")
        #expect(ids(try search(daemon, ["text": "路灯管理"])).isEmpty)
        try must(daemon, "Answer", ["id": .string(pending), "answer": "已转告路灯管理所"], as: .operator)
        #expect(ids(try search(daemon, ["text": "路灯管理"])) == [pending])

        // Each ticket was indexed in its own transaction: nothing waits for the indexer.
        let queued = TestBackend.isSQLite ? "SELECT count(*) FROM searchQueue" : "SELECT count(*) FROM ticket_text"
        #expect(try daemon.query(queued) == (TestBackend.isSQLite ? "0" : "4"))
        #expect(ids(try search(daemon, ["text": "停水"])) == [b, a])
        #expect(ids(try search(daemon, ["text": "kfc"])) == [a])
        #expect(ids(try search(daemon, ["text": "KFC 对面"])) == [a])
        #expect(ids(try search(daemon, ["text": "了水"])).isEmpty)
        #expect(ids(try search(daemon, ["text": "水压 停水"])) == [a])  // two pairs: the index alone decides
        #expect(ids(try search(daemon, ["text": "停水三天"])) == [a])
        #expect(ids(try search(daemon, ["text": "停水压"])).isEmpty)  // both pairs indexed, not as one word
        #expect(ids(try search(daemon, ["text": "路灯管理"])) == [pending])

        let one = try search(daemon, ["text": "停 水压"])
        #expect(one.errorName == "InvalidParameter" && one.parameters["parameter"] == "text")
        let none = try search(daemon, ["from": "2026-09-01T00:00:00+08:00"])
        #expect(none.errorName == "InvalidParameter" && none.parameters["parameter"] == "text")
    }

    @Test("The caller's history by phone, in any writing; for the centre only")
    func phone() throws {
        let daemon = try startedDaemon()
        let first = try submit(daemon, "p-1", extra: ["citizen": ["phone": "+86 138-1234-5678"]])
        let second = try submit(daemon, "p-2", content: "路灯不亮", extra: ["citizen": ["phone": "13812345678"]])
        _ = try submit(daemon, "p-3", content: "路灯不亮", extra: ["citizen": ["phone": "13900000000"]])
        for written in ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678"] {
            #expect(
                Set(ids(try search(daemon, ["phone": .string(written)], as: .operator))) == [first, second],
                "\(written)"
            )
        }
        #expect(try search(daemon, ["phone": "13812345678"], as: .water).errorName == "PermissionDenied")
        #expect(try search(daemon, ["phone": "13812345678"], as: .stranger).errorName == "PermissionDenied")
    }

    @Test("Filters, paging with total, and a unit's own tickets masked")
    func filtersAndPaging() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-09-21T09:00:00+08:00")
        var water: [String] = []
        for n in 0..<5 {
            try setTime(daemon, "2026-09-21T09:0\(n):00+08:00")
            water.append(
                try submit(daemon, "f-\(n)", content: "停水第\(n)次，水压低", extra: ["location": ["district": "岳阳楼区"]])
            )
        }
        let power = try submit(daemon, "f-p", content: "水压低又停电", extra: ["category": "power"])
        let first = try search(daemon, ["text": "水压", "limit": 2])
        #expect(first.parameters["total"] == 6 && ids(first) == [power, water[4]])
        let second = try search(daemon, ["text": "水压", "limit": 2, "after": first.parameters["next"] ?? .null])
        #expect(ids(second) == [water[3], water[2]] && second.parameters["total"] == 6)
        let third = try search(daemon, ["text": "水压", "limit": 2, "after": second.parameters["next"] ?? .null])
        #expect(
            ids(third) == [water[1], water[0]] && third.parameters["total"] == 6 && third.parameters["next"] == .null
        )
        // After the oldest match: no page, and still the total.
        let past = try search(daemon, ["text": "水压", "after": .string(water[0])])
        #expect(ids(past).isEmpty && past.parameters["total"] == 6 && past.parameters["next"] == .null)
        #expect(ids(try search(daemon, ["text": "水压", "category": "power"])) == [power])
        #expect(ids(try search(daemon, ["district": "岳阳楼区", "status": ["dispatched"]])).count == 5)
        #expect(ids(try search(daemon, ["unit": "power"])) == [power])
        let window = try search(
            daemon,
            ["text": "水压", "from": "2026-09-21T09:01:00+08:00", "to": "2026-09-21T09:03:00+08:00"]
        )
        #expect(ids(window) == [water[2], water[1]])
        #expect(try search(daemon, ["text": "水压", "channel": "mailbox"]).parameters["total"] == 0)

        // A unit: only its own tickets (gas co-handles the water tickets), the citizen masked.
        let asPower = try search(daemon, ["text": "水压"], as: .power)
        #expect(ids(asPower) == [power] && asPower.parameters["total"] == 1)
        let asGas = try search(daemon, ["text": "水压"], as: .gas)
        #expect(asGas.parameters["total"] == 5)
        #expect(asGas.parameters["tickets"]?.arrayValue?.first?["citizen"]?["phone"] == "138****5678")
        #expect(try search(daemon, ["text": "水压"], as: .stranger).errorName == "PermissionDenied")
    }

    @Test("hotlinectl search: a table like list, the total, the next page; --json for scripts")
    func command() throws {
        let daemon = try startedDaemon()
        let first = try submit(daemon, "c-1", content: "小区停水三天了")
        let second = try submit(daemon, "c-2", content: "又停水了", extra: ["citizen": ["phone": "+86 139 0000 0000"]])
        let table = try ctl(daemon, .operator, ["search", "--text", "停水", "--limit", "1"])
        #expect(table.status == 0 && table.stdout.contains(second) && !table.stdout.contains(first), "\(table.stdout)")
        #expect(table.stdout.contains("--after \(second)") && table.stdout.hasSuffix("2 found\n"))
        let byPhone = try ctl(daemon, .operator, ["--json", "search", "--phone", "13900000000"])
        #expect(byPhone.status == 0 && byPhone.stdout.contains("\"total\" : 1"), "\(byPhone.stdout)")
        let refused = try ctl(daemon, .water, ["search", "--phone", "13900000000"])
        #expect(refused.status == Exit.permission, "\(refused.stderr)")
        #expect(try ctl(daemon, .operator, ["search"]).status == Exit.usage)
    }
}
