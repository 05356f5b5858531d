import Foundation
import HotlineTesting
import Synchronization
import Testing
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// Rounds of the crash test: `HOTLINE_CRASH_ROUNDS` (scripts/stress runs 20), 3 by default.
let crashRounds = Int(ProcessInfo.processInfo.environment["HOTLINE_CRASH_ROUNDS"] ?? "") ?? 3

@Suite("Crashes: kill -9 under load loses nothing acknowledged", .serialized)
struct CrashTests {
    /// What the clients were told: submission id → ticket id.
    final class Acknowledged: Sendable {
        let ids = Mutex<[String: String]>([:])
        let failures = Mutex<[String]>([])
    }

    /// Eight clients submit in a loop on their own connections until the daemon dies under them.
    static func load(_ daemon: TestDaemon, round: Int, into acknowledged: Acknowledged) -> DispatchGroup {
        let group = DispatchGroup()
        for client in 0..<8 {
            group.enter()
            let socket = daemon.socket
            Thread {
                defer { group.leave() }
                guard let connection = try? VarlinkConnection(path: socket) else { return }
                for n in 0... {
                    let key = "crash-\(round)-\(client)-\(n)"
                    guard
                        let reply = try? connection.call(
                            "org.hotline.Dispatch.Submit",
                            [
                                "channel": "mailbox", "submissionId": .string(key),
                                "content": .string("第\(round)轮来信\(n)：小区停水"),
                            ]
                        )
                    else { return }  // the daemon is gone: this call was never acknowledged
                    guard reply.error == nil, let id = reply.parameters["ticket"]?["id"]?.stringValue else {
                        acknowledged.failures.withLock { $0.append("\(key): \(reply)") }
                        return
                    }
                    acknowledged.ids.withLock { $0[key] = id }
                }
            }.start()
        }
        return group
    }

    @Test("Killed at a random moment under 8 submitting clients, restarted: every acknowledged ticket is whole")
    func killUnderLoad() throws {
        let daemon = try startedDaemon()
        let acknowledged = Acknowledged()
        for round in 0..<crashRounds {
            let before = acknowledged.ids.withLock { $0.count }
            let clients = Self.load(daemon, round: round, into: acknowledged)
            usleep(UInt32.random(in: 300_000...1_500_000))
            daemon.stop(signal: SIGKILL)
            clients.wait()
            #expect(acknowledged.failures.withLock { $0 } == [])
            let inRound = acknowledged.ids.withLock { $0.count } - before
            #expect(inRound > 0, "round \(round): no submission was acknowledged before the kill")

            // The database as the crash left it: consistent, and no ticket without its history.
            if TestBackend.isSQLite {
                #expect(try daemon.query("PRAGMA integrity_check") == "ok")
                #expect(try daemon.query("PRAGMA foreign_key_check") == "")
            }
            try daemon.start()
            let ticketID = TestBackend.isSQLite ? "ticketId" : "ticket_id"
            #expect(
                try daemon.query(
                    """
                    SELECT count(*) FROM ticket t
                    WHERE (SELECT count(*) FROM event e WHERE e.\(ticketID) = t.id) <> 2
                       OR NOT EXISTS (SELECT 1 FROM deadline d WHERE d.\(ticketID) = t.id)
                    """
                ) == "0"
            )

            // Every acknowledged ticket is there, and its idempotency key still maps to it.
            let connection = try daemon.connect()
            for (key, id) in acknowledged.ids.withLock({ $0 }) where key.hasPrefix("crash-\(round)-") {
                let client = key.split(separator: "-")[2]
                let n = key.split(separator: "-")[3]
                let again = try connection.call(
                    "org.hotline.Dispatch.Submit",
                    [
                        "channel": "mailbox", "submissionId": .string(key), "content": .string("第\(round)轮来信\(n)：小区停水"),
                    ]
                )
                #expect(again.parameters["created"] == false, "\(key) (client \(client))")
                #expect(again.parameters["ticket"]?["id"] == .string(id), "\(key) now maps to another ticket")
                let stored = try connection.call("org.hotline.Dispatch.Get", ["id": .string(id)])
                #expect(stored.parameters["events"]?.arrayValue?.count == 2, "\(id) lost events")
            }
        }
        // Ids are never handed out twice across the crashes.
        let ids = acknowledged.ids.withLock { Array($0.values) }
        #expect(Set(ids).count == ids.count)
    }
}
