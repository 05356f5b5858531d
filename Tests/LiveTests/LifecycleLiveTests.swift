import Foundation
import HotlineTesting
import Testing
import Varlink

@Suite("A ticket's life over the wire", .serialized, .enabled(if: isRoot, "setpriv needs root"))
struct LifecycleLiveTests {
    func call(
        _ daemon: TestDaemon,
        _ method: String,
        _ parameters: [String: JSONValue],
        as identity: Identity? = nil
    ) throws -> JSONValue {
        let reply =
            try identity.map { try daemon.call("org.hotline.Dispatch." + method, parameters, as: $0) }
            ?? daemon.call("org.hotline.Dispatch." + method, parameters)
        guard reply.error == nil, let ticket = reply.parameters["ticket"] else {
            Issue.record("\(method) failed: \(reply)")
            return .null
        }
        return ticket
    }

    @Test("Bad rating → call-back → rectify → reply → good rating; every step in the history")
    func badRatingClosedLoop() throws {
        let daemon = try startedDaemon()
        _ = try daemon.call("org.hotline.Testing.SetTime", ["now": "2026-09-30T10:00:00+08:00"])
        let id = JSONValue.string(try submit(daemon, "loop-1"))
        let submitted = try call(daemon, "Get", ["id": id])
        // 2 working hours from Wednesday 10:00 → 12:00; 10 working days over National Day → 10/20 17:30.
        #expect(submitted["claimBy"] == "2026-09-30T12:00:00+08:00")
        #expect(submitted["dueBy"] == "2026-10-20T17:30:00+08:00")

        #expect(try call(daemon, "Claim", ["id": id], as: .water)["status"] == "claimed")
        #expect(try call(daemon, "Reply", ["id": id, "result": "已抢修"], as: .water)["status"] == "replied")
        let rated = try call(
            daemon,
            "Rate",
            ["id": id, "rating": "very_dissatisfied", "solved": false, "comment": "还是没水"],
            as: .operator
        )
        #expect(rated["status"] == "callback")
        #expect(rated["callbackBy"] == "2026-10-08T17:30:00+08:00")  // 1 working day, over the holiday week
        #expect(try daemon.call("org.hotline.Dispatch.Merge", ["id": id, "into": id]).errorName != nil)
        let reopened = try call(daemon, "Callback", ["id": id, "outcome": "rectify", "note": "承诺再次上门"], as: .operator)
        #expect(reopened["status"] == "reopened" && reopened["unit"] == "water")
        #expect(reopened["dueBy"] == "2026-10-13T17:30:00+08:00")  // 5 working days: 10/8, 9, 10 (Sat), 12, 13
        #expect(try call(daemon, "Reply", ["id": id, "result": "已更换水管"], as: .water)["status"] == "replied")
        let closed = try call(daemon, "Rate", ["id": id, "rating": "satisfied", "solved": true], as: .operator)
        #expect(closed["status"] == "closed" && closed["closedAs"] == "rated")

        let events = try daemon.call("org.hotline.Dispatch.Get", ["id": id]).parameters["events"]?.arrayValue ?? []
        #expect(
            events.compactMap { $0["kind"]?.stringValue } == [
                "submitted", "dispatched", "claimed", "replied", "rated", "callback", "replied", "rated", "closed",
            ]
        )
        let transition = try daemon.call("org.hotline.Dispatch.Claim", ["id": id], as: .water)
        #expect(transition.errorName == "InvalidTransition" && transition.parameters["status"] == "closed")
    }

    @Test("Pending → Dispatch with co-units → Return within the window → re-dispatch")
    func dispatchAndReturn() throws {
        let daemon = try startedDaemon()
        _ = try daemon.call("org.hotline.Testing.SetTime", ["now": "2026-09-21T10:00:00+08:00"])
        let id = JSONValue.string(try submit(daemon, "p-1", content: "路灯不亮"))
        #expect(try call(daemon, "Get", ["id": id])["status"] == "pending")
        let unknown = try daemon.call("org.hotline.Dispatch.Dispatch", ["id": id, "unit": "sewer"], as: .operator)
        #expect(unknown.errorName == "NoSuchUnit" && unknown.parameters["unit"] == "sewer")
        let dispatched = try call(
            daemon,
            "Dispatch",
            ["id": id, "unit": "power", "coUnits": ["water"], "note": "路灯归供电"],
            as: .operator
        )
        #expect(dispatched["status"] == "dispatched" && dispatched["coUnits"] == ["water"])
        let returned = try call(daemon, "Return", ["id": id, "reason": "路灯归城管"], as: .power)
        #expect(returned["status"] == "pending" && returned["unit"] == .null)
        _ = try call(daemon, "Dispatch", ["id": id, "unit": "power"], as: .operator)
        _ = try daemon.call("org.hotline.Testing.SetTime", ["now": "2026-09-24T10:00:00+08:00"])
        let late = try daemon.call("org.hotline.Dispatch.Return", ["id": id, "reason": "还是不归我们"], as: .power)
        #expect(late.errorName == "InvalidTransition")
    }

    @Test("Extension requested by the unit, approved by a supervisor")
    func extensions() throws {
        let daemon = try startedDaemon()
        _ = try daemon.call("org.hotline.Testing.SetTime", ["now": "2026-09-21T10:00:00+08:00"])
        let id = JSONValue.string(try submit(daemon, "e-1"))
        _ = try call(daemon, "Claim", ["id": id], as: .water)
        let asked = try call(
            daemon,
            "RequestExtension",
            ["id": id, "reason": "需更换主管道", "until": "2026-11-30T17:30:00+08:00"],
            as: .water
        )
        #expect(asked["extensionPending"] == true)
        #expect(
            try daemon.call("org.hotline.Dispatch.DecideExtension", ["id": id, "approve": true], as: .operator)
                .errorName == "PermissionDenied"
        )
        let approved = try call(daemon, "DecideExtension", ["id": id, "approve": true, "note": "同意"], as: .supervisor)
        #expect(approved["dueBy"] == "2026-11-30T17:30:00+08:00" && approved["extensionPending"] == false)
    }
}
