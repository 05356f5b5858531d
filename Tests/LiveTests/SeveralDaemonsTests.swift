import Foundation
import HotlineTesting
import Synchronization
import Testing
import Varlink

/// Two daemons on one PostgreSQL database (contract §11): writes through either are read
/// through the other at once, and every Watch stream of each carries each notice once.
@Suite(
    "Several daemons on one PostgreSQL database",
    .enabled(if: isRoot && TestBackend.current == .postgresql, "the PostgreSQL pass of the live tests, as root")
)
struct SeveralDaemonsTests {
    /// Daemon A on its own fresh database and daemon B on the same one, both started.
    static func pair() throws -> (TestDaemon, TestDaemon) {
        let a = try TestDaemon()
        let b = try TestDaemon()
        b.databaseLocation = a.database
        try a.start()
        try b.start()
        return (a, b)
    }

    @Test("A ticket submitted through one daemon is read, listed, searched and changed through the other at once")
    func writesFromAnywhere() throws {
        let (a, b) = try Self.pair()
        for daemon in [a, b] { try setTime(daemon, "2026-09-30T10:00:00+08:00") }
        let id = try submit(a, "both-1", content: "小区停水三天了，水压也低")
        let got = try b.call("org.hotline.Dispatch.Get", ["id": .string(id)])
        #expect(got.error == nil && got.parameters["ticket"]?["unit"] == "water", "\(got)")
        let listed = try b.call("org.hotline.Dispatch.List", ["unit": "water"])
        #expect(listed.parameters["tickets"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [id])
        let found = try b.call("org.hotline.Dispatch.Search", ["text": "水压"])
        #expect(found.parameters["tickets"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [id], "\(found)")
        // Claimed through B, seen claimed through A.
        try must(b, "Claim", ["id": .string(id)], as: .water)
        #expect(try must(a, "Get", ["id": .string(id)])["status"] == "claimed")
        // The same key through B is the same ticket.
        let again = try b.call(
            "org.hotline.Dispatch.Submit",
            [
                "channel": "hotline", "submissionId": "both-1", "content": "小区停水三天了，水压也低",
                "citizen": ["name": "张三丰", "phone": "13812345678"],
            ]
        )
        #expect(again.parameters["created"] == false && again.parameters["ticket"]?["id"]?.stringValue == id)
    }

    @Test(
        "Each Watch stream of each daemon carries each notice once, whichever daemon made it: dispatches through both, a sweep on one"
    )
    func noticesEverywhereOnce() throws {
        let (a, b) = try Self.pair()
        for daemon in [a, b] { try setTime(daemon, "2026-09-30T10:00:00+08:00") }
        let watchA = try NoticeWatcher(a, as: nil)
        let watchB = try NoticeWatcher(b, as: nil)
        let water = try NoticeWatcher(b, as: .water)
        var ids: [String] = []
        for n in 0..<6 { ids.append(try submit(n % 2 == 0 ? a : b, "n-\(n)")) }
        // Claim deadlines (2 working hours) become due soon at 11:36 and pass after 12:00:
        // the sweeps run on A only.
        try setTime(a, "2026-09-30T11:36:00+08:00")
        try setTime(a, "2026-09-30T12:00:01+08:00")
        let wanted = ids.count * 3  // dispatched, due soon, overdue
        for watcher in [watchA, watchB, water] {
            let seen = watcher.wait(for: wanted, timeout: 10)
            for id in ids {
                #expect(notices(seen, "dispatched", id).count == 1, "\(id): \(seen)")
                #expect(notices(seen, "due_soon", id, deadline: "claim").count == 1, "\(id)")
                #expect(notices(seen, "overdue", id, deadline: "claim").count == 1, "\(id)")
            }
        }
        // Nothing more arrives later (a second read of the feed, the poll, sends nothing twice).
        usleep(1_500_000)
        for watcher in [watchA, watchB, water] { #expect(watcher.notices.count == wanted) }
        // A sweep of B at the same time finds nothing left to send.
        try setTime(b, "2026-09-30T12:00:01+08:00")
        usleep(500_000)
        #expect(watchB.notices.count == wanted)
        #expect(try a.query("SELECT count(*) FROM notice") == "\(wanted)")
    }
}

/// One SLA clock among several daemons: the lease.
@Suite(
    "Several daemons on one PostgreSQL database: one SLA clock",
    .serialized,
    .enabled(if: isRoot && TestBackend.current == .postgresql, "the PostgreSQL pass of the live tests, as root")
)
struct ClockLeaseTests {
    /// A daemon named `node` on `database` (its own fresh one when nil), on the system clock.
    static func daemon(_ node: String, on database: String? = nil) throws -> TestDaemon {
        let daemon = try TestDaemon(
            config: TestDaemon.standardConfig.replacingOccurrences(
                of: "[daemon]\n",
                with: "[daemon]\nnode_name = \"\(node)\"\n"
            )
        )
        if let database { daemon.databaseLocation = database }
        try daemon.start(extraArguments: [])
        return daemon
    }

    /// What `Status` says of the daemon: its node, backend and clock.
    static func status(_ daemon: TestDaemon) throws -> (node: String?, backend: String?, clock: String?) {
        let reply = try daemon.call("org.hotline.Dispatch.Status")
        return (
            reply.parameters["node"]?.stringValue, reply.parameters["backend"]?.stringValue,
            reply.parameters["clock"]?.stringValue
        )
    }

    /// Seconds until `daemon`'s Status says it leads (nil when it does not within `limit`).
    static func secondsUntilLeader(_ daemon: TestDaemon, limit: Double = 20) throws -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < limit {
            if try status(daemon).clock == "leader" { return Date().timeIntervalSince(start) }
            usleep(50_000)
        }
        return nil
    }

    @Test(
        "One daemon leads, the other stands by; the leader killed, the other leads within 15 s; the leader stopped, at once"
    )
    func takeover() throws {
        let a = try Self.daemon("node-a")
        let b = try Self.daemon("node-b", on: a.database)
        #expect(try Self.status(a) == ("node-a", "postgresql", "leader"))
        #expect(try Self.status(b) == ("node-b", "postgresql", "standby"))
        usleep(4_000_000)  // a renewal later, still so
        #expect(try Self.status(a).clock == "leader" && Self.status(b).clock == "standby")
        #expect(try a.query("SELECT node FROM lease") == "node-a")

        _ = a.stop(signal: SIGKILL)
        let takeover = try Self.secondsUntilLeader(b)
        #expect(takeover.map { $0 < 15 } == true, "took over after \(takeover.map { "\($0) s" } ?? "never")")
        #expect(b.log.contains("took the SLA clock's lease"))

        let c = try Self.daemon("node-c", on: a.database)
        #expect(try Self.status(c).clock == "standby")
        #expect(b.stop() == 0)
        let handover = try Self.secondsUntilLeader(c, limit: 10)
        #expect(handover.map { $0 < ClockLeadershipTiming.renewSeconds + 1 } == true, "\(String(describing: handover))")
        #expect(try a.query("SELECT node FROM lease") == "node-c")
    }
}

/// The lease's timing as the daemon has it (`ClockLeadership`).
enum ClockLeadershipTiming {
    /// How often a standby tries to take the lease.
    static let renewSeconds = 3.3
}

/// The leader killed while clients submit through both daemons (issue-sized for CI; the long
/// version is `scripts/stress takeover`).
@Suite(
    "Several daemons on one PostgreSQL database: the leader killed under load",
    .enabled(if: isRoot && TestBackend.current == .postgresql, "the PostgreSQL pass of the live tests, as root")
)
struct TakeoverUnderLoadTests {
    /// What the clients of one daemon were told.
    final class Acknowledged: Sendable {
        /// Ticket id → its resolve deadline.
        let tickets = Mutex<[String: Date]>([:])
        /// Error replies (a refused connection after the kill is not one: that call was never
        /// acknowledged).
        let errors = Mutex<[String]>([])
    }

    /// Four clients submitting through `daemon` until `end` or until it is gone, each ticket
    /// with a deadline 3 to 15 s ahead.
    static func clients(
        _ daemon: TestDaemon,
        name: String,
        until end: Date,
        into acknowledged: Acknowledged
    )
        -> DispatchGroup
    {
        let group = DispatchGroup()
        let socket = daemon.socket
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        for client in 0..<4 {
            group.enter()
            Thread {
                defer { group.leave() }
                guard let connection = try? VarlinkConnection(path: socket) else { return }
                var n = 0
                while Date() < end {
                    n += 1
                    let now = Date()
                    let due = now.addingTimeInterval(Double.random(in: 3...15))
                    guard
                        let reply = try? connection.call(
                            "org.hotline.Dispatch.Submit",
                            [
                                "channel": "mailbox", "submissionId": .string("\(name)-\(client)-\(n)"),
                                "content": .string("小区停水，第\(n)封"),
                                "receivedAt": .string(RFC3339.format(now, in: zone)),
                                "deadline": .string(RFC3339.format(due, in: zone)),
                            ]
                        )
                    else { return }
                    guard reply.error == nil, let id = reply.parameters["ticket"]?["id"]?.stringValue else {
                        acknowledged.errors.withLock { $0.append("\(reply)") }
                        return
                    }
                    acknowledged.tickets.withLock { $0[id] = due }
                    usleep(100_000)
                }
            }.start()
        }
        return group
    }

    @Test(
        "kill -9 of the leader while 8 clients submit through both: the other leads within 15 s, every acknowledged ticket is there, each overdue notice arrives once, the survivor's clients see no error"
    )
    func killLeaderUnderLoad() throws {
        let a = try ClockLeaseTests.daemon("node-a")
        let b = try ClockLeaseTests.daemon("node-b", on: a.database)
        #expect(try ClockLeaseTests.status(a).clock == "leader")
        let watchB = try NoticeWatcher(b, as: nil)
        let watchA = try NoticeWatcher(a, as: nil)
        let throughA = Acknowledged()
        let throughB = Acknowledged()
        let end = Date().addingTimeInterval(14)
        let clientsA = Self.clients(a, name: "a", until: end, into: throughA)
        let clientsB = Self.clients(b, name: "b", until: end, into: throughB)

        usleep(4_000_000)
        _ = a.stop(signal: SIGKILL)
        let killed = Date()
        let takeover = try ClockLeaseTests.secondsUntilLeader(b)
        #expect(takeover.map { $0 < 15 } == true, "took over after \(takeover.map { "\($0) s" } ?? "never")")
        clientsA.wait()
        clientsB.wait()
        #expect(throughB.errors.withLock { $0 } == [], "a client of the survivor saw an error")
        #expect(throughA.errors.withLock { $0 } == [])

        let tickets = throughA.tickets.withLock { $0 }.merging(throughB.tickets.withLock { $0 }) { first, _ in first }
        #expect(throughA.tickets.withLock { $0.count } > 0 && throughB.tickets.withLock { $0.count } > 0)
        let lastDue = tickets.values.max() ?? Date()
        // Every deadline passes, and the new leader has swept them all.
        var seen: [JSONValue] = []
        let patience = max(lastDue, killed.addingTimeInterval(15)).addingTimeInterval(10)
        while Date() < patience {
            seen = watchB.notices
            if tickets.keys.allSatisfy({ !notices(seen, "overdue", $0).isEmpty }) { break }
            usleep(200_000)
        }
        seen = watchB.settle(1.5)
        for (id, _) in tickets {
            #expect(notices(seen, "overdue", id, deadline: "resolve").count == 1, "overdue of \(id) on B")
            #expect(notices(seen, "due_soon", id).count <= 1, "due-soon of \(id) on B")
            #expect(notices(seen, "dispatched", id).count == 1, "dispatch of \(id) on B")
        }
        // A's stream ended with A; what it carried, it carried once.
        let fromA = watchA.notices
        for (id, _) in tickets {
            for kind in ["dispatched", "due_soon", "overdue"] { #expect(notices(fromA, kind, id).count <= 1) }
        }
        // Every acknowledged ticket is stored whole, with one overdue event, read through B.
        for (id, _) in tickets {
            let got = try b.call("org.hotline.Dispatch.Get", ["id": .string(id)])
            let kinds = got.parameters["events"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } ?? []
            #expect(got.error == nil && kinds.filter { $0 == "overdue" }.count == 1, "\(id): \(kinds)")
        }
    }
}
