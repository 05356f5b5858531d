import Foundation
import HotlineTesting
import Testing
import Varlink

/// Urging (催办): the centre presses a unit on a ticket it is handling.
@Suite("Urging a unit on", .serialized, .enabled(if: isRoot, "setpriv needs root"))
struct UrgeTests {
    @Test("Urge counts on the ticket, appends its event, notifies the lead unit only, and counts in its figures")
    func urge() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-09-21T09:00:00+08:00")
        let id = try submit(daemon, "u-1")  // routed to water, co-handled by gas
        let other = try submit(daemon, "u-2")
        let water = try NoticeWatcher(daemon, as: .water)
        let gas = try NoticeWatcher(daemon, as: .gas)
        let centre = try NoticeWatcher(daemon, as: .operator)

        let first = try must(daemon, "Urge", ["id": .string(id), "note": "市民再次来电"], as: .operator)
        #expect(first["urged"] == 1 && first["status"] == "dispatched")
        try must(daemon, "Claim", ["id": .string(id)], as: .water)
        let second = try must(daemon, "Urge", ["id": .string(id)], as: .supervisor)
        #expect(second["urged"] == 2)

        #expect(notices(water.wait(for: 2), "urged", id).count == 2)
        #expect(notices(centre.settle(), "urged", id).count == 2)
        #expect(notices(gas.settle(), "urged", id).isEmpty, "a co-unit is not urged")

        let history =
            try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)]).parameters["events"]?.arrayValue ?? []
        let urged = history.filter { $0["kind"] == "urged" }
        #expect(
            urged.count == 2 && urged[0]["note"] == "市民再次来电" && urged[0]["actorUid"] == 1001
                && urged[1]["note"] == .null
        )
        #expect(urged.allSatisfy { $0["unit"] == "water" })

        // Only the centre urges, only a ticket with a unit at work, and a note is not blank.
        #expect(
            try daemon.call("org.hotline.Dispatch.Urge", ["id": .string(id)], as: .water).errorName
                == "PermissionDenied"
        )
        let pending = try submit(daemon, "u-3", content: "路灯不亮")
        #expect(
            try daemon.call("org.hotline.Dispatch.Urge", ["id": .string(pending)], as: .operator).errorName
                == "InvalidTransition"
        )
        let blank = try daemon.call("org.hotline.Dispatch.Urge", ["id": .string(other), "note": "  "], as: .operator)
        #expect(blank.errorName == "InvalidParameter" && blank.parameters["parameter"] == "note")

        // UnitStats.urged counts tickets urged at least once (the rollup and a partial-hour scan agree).
        for (from, to) in [
            ("2026-09-21T00:00:00+08:00", "2026-09-22T00:00:00+08:00"),
            ("2026-09-21T08:59:30+08:00", "2026-09-21T09:00:30+08:00"),
        ] {
            let stats = try daemon.call("org.hotline.Dispatch.Stats", ["from": .string(from), "to": .string(to)])
            let row = stats.parameters["units"]?.arrayValue?.first { $0["unit"] == "water" }
            #expect(row?["urged"] == 1 && row?["dispatched"] == 2, "\(String(describing: row))")
            #expect(stats.parameters["total"]?["urged"] == 1)
        }
    }

    @Test("hotlinectl urge, as an operator")
    func command() throws {
        let daemon = try startedDaemon()
        let id = try submit(daemon, "u-9")
        let urged = try ctl(daemon, .operator, ["urge", id, "--note", "第三次来电"])
        #expect(urged.status == 0 && urged.stdout.hasPrefix(id), "\(urged.stderr)")
        let refused = try ctl(daemon, .water, ["urge", id])
        #expect(refused.status == Exit.permission && refused.stderr.contains("may not urge units"), "\(refused.stderr)")
    }
}
