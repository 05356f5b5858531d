import Foundation
import HotlineTesting
import Testing
import Varlink

/// Moves the daemon's manual clock (the sweep runs before the reply).
func setTime(_ daemon: TestDaemon, _ time: String) throws {
    let reply = try daemon.call("org.hotline.Testing.SetTime", ["now": .string(time)])
    guard reply.error == nil else { throw TestDaemonError.clientFailed("SetTime \(time): \(reply)") }
}

/// A call that must succeed; returns the reply's ticket.
@discardableResult
func must(
    _ daemon: TestDaemon,
    _ method: String,
    _ parameters: [String: JSONValue],
    as identity: Identity? = nil
) throws -> JSONValue {
    let reply =
        try identity.map { try daemon.call("org.hotline.Dispatch." + method, parameters, as: $0) }
        ?? daemon.call("org.hotline.Dispatch." + method, parameters)
    guard reply.error == nil else { throw TestDaemonError.clientFailed("\(method) \(parameters): \(reply)") }
    return reply.parameters["ticket"] ?? .object(reply.parameters)
}

/// The notices of one kind (and deadline) for one ticket.
func notices(_ all: [JSONValue], _ kind: String, _ ticket: String, deadline: String? = nil) -> [JSONValue] {
    all.filter {
        $0["kind"]?.stringValue == kind && $0["ticket"]?.stringValue == ticket
            && (deadline == nil || $0["deadline"]?.stringValue == deadline)
    }
}

@Suite("The SLA clock on the live daemon", .serialized, .enabled(if: isRoot, "setpriv needs root"))
struct SLATests {
    @Test("Claim deadline: due-soon once at 80 %, overdue once just after claimBy")
    func claimDeadline() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-09-30T10:00:00+08:00")  // Wednesday before National Day
        let id = try submit(daemon, "c-1")  // claimBy 12:00 (2 working hours)
        let watcher = try NoticeWatcher(daemon, as: nil)
        try setTime(daemon, "2026-09-30T11:35:59+08:00")
        #expect(notices(watcher.settle(), "due_soon", id).isEmpty)
        try setTime(daemon, "2026-09-30T11:36:00+08:00")  // 10:00 + 0.8 × 2 h
        #expect(notices(watcher.wait(for: 1), "due_soon", id, deadline: "claim").count == 1)
        try setTime(daemon, "2026-09-30T11:50:00+08:00")
        try setTime(daemon, "2026-09-30T12:00:00+08:00")  // due, not yet passed
        #expect(notices(watcher.settle(), "overdue", id).isEmpty)
        #expect(try must(daemon, "Get", ["id": .string(id)])["overdue"] == false)
        try setTime(daemon, "2026-09-30T12:00:01+08:00")
        #expect(notices(watcher.wait(for: 2), "overdue", id, deadline: "claim").count == 1)
        try setTime(daemon, "2026-09-30T13:00:00+08:00")
        let all = watcher.settle()
        #expect(notices(all, "due_soon", id, deadline: "claim").count == 1)
        #expect(notices(all, "overdue", id, deadline: "claim").count == 1)
        #expect(notices(all, "overdue", id).first?["unit"] == "water")
        let got = try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)])
        #expect(got.parameters["ticket"]?["overdue"] == true)
        let kinds = got.parameters["events"]?.arrayValue?.compactMap { $0["kind"]?.stringValue }
        #expect(kinds == ["submitted", "dispatched", "overdue"])
        #expect(try must(daemon, "Status", [:])["overdue"] == 1)
    }

    @Test("Resolve deadline across the National Day week; overdue stays after the reply")
    func resolveDeadline() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-09-30T10:00:00+08:00")
        let id = try submit(daemon, "r-1")  // dueBy 10/20 17:30
        try must(daemon, "Claim", ["id": .string(id)], as: .water)
        let watcher = try NoticeWatcher(daemon, as: nil)
        // Window 9/30 10:00 → 10/20 17:30 is 487.5 h; 80 % is 390 h: 10/16 16:00.
        try setTime(daemon, "2026-10-16T15:59:59+08:00")
        #expect(notices(watcher.settle(), "due_soon", id, deadline: "resolve").isEmpty)
        try setTime(daemon, "2026-10-16T16:00:00+08:00")
        #expect(notices(watcher.wait(for: 1), "due_soon", id, deadline: "resolve").count == 1)
        try setTime(daemon, "2026-10-20T17:30:00+08:00")
        #expect(notices(watcher.settle(), "overdue", id).isEmpty)
        try setTime(daemon, "2026-10-20T17:30:01+08:00")
        #expect(notices(watcher.wait(for: 2), "overdue", id, deadline: "resolve").count == 1)
        let replied = try must(daemon, "Reply", ["id": .string(id), "result": "已修复"], as: .water)
        #expect(replied["overdue"] == true && replied["status"] == "replied")
        let explained = try daemon.call(
            "org.hotline.Dispatch.ExplainOverdue",
            ["id": .string(id), "reason": "节日期间配件无法到货"],
            as: .water
        )
        #expect(explained.error == nil)
    }

    @Test("A claim deadline that falls on the make-up Saturday")
    func makeUpSaturday() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-10-09T17:00:00+08:00")  // Friday 17:00
        let id = try submit(daemon, "s-1")
        #expect(try must(daemon, "Get", ["id": .string(id)])["claimBy"] == "2026-10-10T10:30:00+08:00")
        let watcher = try NoticeWatcher(daemon, as: nil)
        try setTime(daemon, "2026-10-10T06:59:59+08:00")  // 17.5 h window, 80 % = 14 h → Saturday 07:00
        #expect(watcher.settle().isEmpty)
        try setTime(daemon, "2026-10-10T07:00:00+08:00")
        #expect(notices(watcher.wait(for: 1), "due_soon", id, deadline: "claim").count == 1)
        try setTime(daemon, "2026-10-10T10:30:00+08:00")
        #expect(notices(watcher.settle(), "overdue", id).isEmpty)
        try setTime(daemon, "2026-10-10T10:30:01+08:00")
        #expect(notices(watcher.wait(for: 2), "overdue", id, deadline: "claim").count == 1)
    }

    @Test("A bad rating: bad_rating notice, callback_due, then overdue naming no unit")
    func callbackDeadline() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-09-21T09:00:00+08:00")
        let id = try submit(daemon, "b-1")
        try must(daemon, "Claim", ["id": .string(id)], as: .water)
        try must(daemon, "Reply", ["id": .string(id), "result": "已处理"], as: .water)
        let watcher = try NoticeWatcher(daemon, as: nil)
        try setTime(daemon, "2026-09-21T10:00:00+08:00")
        let rated = try must(
            daemon,
            "Rate",
            ["id": .string(id), "rating": "dissatisfied", "solved": false],
            as: .operator
        )
        #expect(rated["callbackBy"] == "2026-09-22T17:30:00+08:00")
        #expect(notices(watcher.wait(for: 1), "bad_rating", id).first?["unit"] == "water")
        // Window 9/21 10:00 → 9/22 17:30 = 31.5 h; 80 % = 25.2 h → 9/22 11:12.
        try setTime(daemon, "2026-09-22T11:11:59+08:00")
        #expect(notices(watcher.settle(), "callback_due", id).isEmpty)
        try setTime(daemon, "2026-09-22T11:12:00+08:00")
        let due = notices(watcher.wait(for: 2), "callback_due", id)
        #expect(due.count == 1 && due.first?["unit"] == .null)
        try setTime(daemon, "2026-09-22T17:30:01+08:00")
        let overdue = notices(watcher.wait(for: 3), "overdue", id, deadline: "callback")
        #expect(overdue.count == 1 && overdue.first?["unit"] == .null)
        let closed = try must(
            daemon,
            "Callback",
            ["id": .string(id), "outcome": "explained", "note": "已向市民解释"],
            as: .operator
        )
        #expect(closed["status"] == "closed" && closed["closedAs"] == "callback")
    }

    @Test("Rectification: reopened notice and the new due time passing")
    func rectification() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-09-21T09:00:00+08:00")
        let id = try submit(daemon, "x-1")
        try must(daemon, "Claim", ["id": .string(id)], as: .water)
        try must(daemon, "Reply", ["id": .string(id), "result": "已处理"], as: .water)
        try must(daemon, "Rate", ["id": .string(id), "rating": "very_dissatisfied", "solved": false], as: .operator)
        let watcher = try NoticeWatcher(daemon, as: .water)
        let reopened = try must(
            daemon,
            "Callback",
            ["id": .string(id), "outcome": "rectify", "note": "需再次上门"],
            as: .operator
        )
        #expect(reopened["dueBy"] == "2026-09-28T17:30:00+08:00")  // 5 working days over Mid-Autumn
        #expect(notices(watcher.wait(for: 1), "reopened", id).count == 1)
        try setTime(daemon, "2026-09-28T17:30:01+08:00")
        #expect(notices(watcher.wait(for: 3), "overdue", id, deadline: "resolve").count == 1)
    }

    @Test("The rating window closes an unrated reply as unrated")
    func ratingWindow() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-09-21T09:00:00+08:00")
        let id = try submit(daemon, "u-1")
        try must(daemon, "Claim", ["id": .string(id)], as: .water)
        let replied = try must(daemon, "Reply", ["id": .string(id), "result": "已处理"], as: .water)
        #expect(replied["ratingBy"] == "2026-09-24T17:30:00+08:00")
        try setTime(daemon, "2026-09-24T17:30:00+08:00")
        #expect(try must(daemon, "Get", ["id": .string(id)])["status"] == "replied")
        try setTime(daemon, "2026-09-24T17:30:01+08:00")
        let closed = try must(daemon, "Get", ["id": .string(id)])
        #expect(closed["status"] == "closed" && closed["closedAs"] == "unrated")
        let late = try daemon.call(
            "org.hotline.Dispatch.Rate",
            ["id": .string(id), "rating": "satisfied", "solved": true],
            as: .operator
        )
        #expect(late.errorName == "InvalidTransition")
    }

    @Test("Long-term tickets owe a phase report; Progress resets the phase clock")
    func phaseReports() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-09-21T09:00:00+08:00")
        let id = try submit(daemon, "l-1")
        try must(daemon, "Claim", ["id": .string(id)], as: .water)
        try must(daemon, "RequestExtension", ["id": .string(id), "reason": "管网改造需三个月", "longTerm": true], as: .water)
        let approved = try must(daemon, "DecideExtension", ["id": .string(id), "approve": true], as: .supervisor)
        #expect(approved["longTerm"] == true && approved["dueBy"] == .null)
        #expect(approved["phaseDueBy"] == "2026-10-10T17:30:00+08:00")  // 10 working days, the make-up Saturday last
        try setTime(daemon, "2026-10-09T09:00:00+08:00")
        let reported = try must(daemon, "Progress", ["id": .string(id), "note": "第一阶段完成"], as: .water)
        #expect(reported["phaseDueBy"] == "2026-10-22T17:30:00+08:00")
        let watcher = try NoticeWatcher(daemon, as: nil)
        try setTime(daemon, "2026-10-10T17:30:01+08:00")  // the old phase deadline no longer runs
        #expect(notices(watcher.settle(), "overdue", id).isEmpty)
        try setTime(daemon, "2026-10-22T17:30:01+08:00")
        #expect(notices(watcher.wait(for: 2), "overdue", id, deadline: "phase").count == 1)
    }

    @Test("A unit's Watch carries its own tickets (led or co-handled) and none of another unit's")
    func unitStreams() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-09-21T09:00:00+08:00")
        let water = try NoticeWatcher(daemon, as: .water)
        let gas = try NoticeWatcher(daemon, as: .gas)
        let power = try NoticeWatcher(daemon, as: .power)
        let waterTicket = try submit(daemon, "w-1")  // water, co-unit gas
        let powerTicket = try submit(daemon, "p-1", content: "停电", extra: ["category": "power"])
        try setTime(daemon, "2026-09-21T12:00:01+08:00")  // both claims overdue
        let waterSeen = Set(water.wait(for: 3).compactMap { $0["ticket"]?.stringValue })
        let powerSeen = Set(power.wait(for: 3).compactMap { $0["ticket"]?.stringValue })
        let gasSeen = Set(gas.wait(for: 3).compactMap { $0["ticket"]?.stringValue })
        #expect(waterSeen == [waterTicket])
        #expect(gasSeen == [waterTicket])
        #expect(powerSeen == [powerTicket])
        #expect(notices(power.notices, "dispatched", powerTicket).count == 1)
        #expect(notices(power.notices, "overdue", powerTicket, deadline: "claim").count == 1)
    }

    @Test("Watch without more is refused; a stranger may not watch")
    func watchRules() throws {
        let daemon = try startedDaemon()
        #expect(try daemon.call("org.hotline.Dispatch.Watch").error == "org.varlink.service.ExpectedMore")
        let connection = try VarlinkConnection(path: daemon.socket)
        try connection.send(VarlinkCall(method: "org.hotline.Dispatch.Watch", more: true))
        #expect(try connection.receive(timeoutMilliseconds: 300) == nil)  // streaming, nothing yet
        let id = try submit(daemon, "w-2")
        let notice = try #require(try connection.receive(timeoutMilliseconds: 2000))
        #expect(notice.continues && notice.parameters["notice"]?["ticket"] == .string(id))
        #expect(notice.parameters["notice"]?["kind"] == "dispatched")
        let stranger = try daemon.call("org.hotline.Dispatch.Watch", [:], as: .stranger)
        #expect(stranger.errorName == "PermissionDenied")
    }

    @Test("A stalled watcher (never reads) is dropped and does not hold Submit up")
    func stalledWatcher() throws {
        let daemon = try startedDaemon()
        let stalled = try VarlinkConnection(path: daemon.socket)
        try stalled.send(VarlinkCall(method: "org.hotline.Dispatch.Watch", more: true))
        usleep(200_000)
        let connection = try daemon.connect()
        let count = 4000
        let batchSize = 200
        let start = Date()
        for first in stride(from: 0, to: count, by: batchSize) {
            var batch: [UInt8] = []
            for i in first..<(first + batchSize) {
                batch +=
                    try VarlinkCall(
                        method: "org.hotline.Dispatch.Submit",
                        parameters: [
                            "channel": "web", "submissionId": .string("st-\(i)"), "content": "小区停水",
                        ]
                    ).encoded() + [0]
            }
            try connection.send(raw: batch)
            for _ in 0..<batchSize {
                #expect(try connection.receive().error == nil)
            }
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed < 60, "4000 submits took \(elapsed) s")
        #expect(daemon.log.contains("dropping it"))
        #expect(try daemon.call("org.hotline.Dispatch.Status").parameters["open"] == .int(Int64(count)))
    }

    @Test(
        "A passed deadline reads the same before and after it is folded into its ticket in the background, and after a restart"
    )
    func passingsFolded() throws {
        let daemon = try startedDaemon()
        try setTime(daemon, "2026-09-30T10:00:00+08:00")
        let ids = try (0..<3).map { try submit(daemon, "f-\($0)") }  // claimBy 12:00
        func unfolded() throws -> String {
            try daemon.query("SELECT count(*) FROM \(TestBackend.isSQLite ? "deadlinePassed" : "deadline_passed")")
        }
        func storedOverdueEvents() throws -> String {
            try daemon.query("SELECT count(*) FROM event WHERE kind = 'overdue'")
        }
        func read(_ id: String) throws -> (overdue: JSONValue?, kinds: [String]) {
            let got = try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)])
            return (
                got.parameters["ticket"]?["overdue"],
                got.parameters["events"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } ?? []
            )
        }
        func waitUntilFolded() throws {
            let deadline = Date().addingTimeInterval(10)
            while try unfolded() != "0", Date() < deadline { usleep(50_000) }
        }

        try setTime(daemon, "2026-09-30T12:00:01+08:00")
        // Right after the sweep's answer the tickets read as overdue, whether or not the
        // background fold has run yet.
        for id in ids {
            let answer = try read(id)
            #expect(answer.overdue == true && answer.kinds == ["submitted", "dispatched", "overdue"])
        }
        #expect(try must(daemon, "Status", [:])["overdue"] == 3)
        try waitUntilFolded()
        #expect(try unfolded() == "0" && storedOverdueEvents() == "3")
        for id in ids {
            let answer = try read(id)
            #expect(answer.overdue == true && answer.kinds == ["submitted", "dispatched", "overdue"])
        }
        #expect(try must(daemon, "Status", [:])["overdue"] == 3)
        // The overdue log entries follow the answer, one per ticket.
        let logged = Date().addingTimeInterval(10)
        while ids.contains(where: { !daemon.log.contains("ticket \($0) overdue (claim deadline missed)") }),
            Date() < logged
        { usleep(50_000) }
        for id in ids {
            #expect(daemon.log.components(separatedBy: "ticket \(id) overdue (claim deadline missed)").count == 2)
        }

        // Stopped straight after a sweep, folded or not: after the restart every history holds
        // its overdue event once, and nothing is left to fold.
        let more = try (0..<3).map { try submit(daemon, "g-\($0)") }  // claimBy 14:00:01 the same day
        try setTime(daemon, "2026-10-09T12:00:00+08:00")
        _ = daemon.stop()
        try daemon.start()
        try daemon.waitUntilAnswering()
        try waitUntilFolded()
        #expect(try unfolded() == "0" && storedOverdueEvents() == "6")
        for id in ids + more {
            #expect(try read(id).kinds.filter { $0 == "overdue" }.count == 1)
        }
    }

    @Test(
        "On the system clock the SLA clock wakes by itself for a new deadline: due-soon at 80 %, then overdue, on time"
    )
    func systemClock() throws {
        let daemon = try TestDaemon()
        try daemon.start(extraArguments: [])
        let watcher = try NoticeWatcher(daemon, as: nil)
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let received = Date()
        let due = received.addingTimeInterval(3)
        let id = try submit(
            daemon,
            "sys-1",
            extra: [
                "receivedAt": .string(RFC3339.format(received, in: zone)),
                "deadline": .string(RFC3339.format(due, in: zone)),
            ]
        )
        var seen: [JSONValue] = []
        let end = Date().addingTimeInterval(10)
        while notices(seen, "overdue", id).isEmpty, Date() < end {
            seen = watcher.wait(for: seen.count + 1, timeout: 0.05)
        }
        let arrived = Date()
        let dueSoon = notices(seen, "due_soon", id, deadline: "resolve")
        let overdue = notices(seen, "overdue", id, deadline: "resolve")
        #expect(dueSoon.count == 1 && overdue.count == 1, "\(seen)")
        // The clock slept until the deadline (it was woken for it), not until its next minute.
        #expect(
            arrived >= due && arrived < due.addingTimeInterval(3),
            "overdue after \(arrived.timeIntervalSince(received)) s"
        )
        let got = try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)])
        #expect(got.parameters["ticket"]?["overdue"] == true)
        #expect(
            got.parameters["events"]?.arrayValue?.compactMap { $0["kind"]?.stringValue }.filter { $0 == "overdue" }
                .count == 1
        )
    }
}
