import Foundation
import HotlineTesting
import Synchronization
import Testing
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// Rounds of the restart test: `HOTLINE_RESTART_ROUNDS` (scripts/stress runs 200), 4 by default
/// (one of each kind).
let restartRounds = Int(ProcessInfo.processInfo.environment["HOTLINE_RESTART_ROUNDS"] ?? "") ?? 4

@Suite("Restarts: a daemon killed at any moment answers again within 2 s of its start", .serialized)
struct RestartTests {
    /// Where in its life the daemon is killed.
    enum Moment: CaseIterable, CustomStringConvertible {
        /// While it starts: opening the database, recovering the log, migrating.
        case startingUp
        /// Under 8 submitting clients.
        case underLoad
        /// Under load long enough for the checkpoint thread to be copying the log.
        case duringCheckpoint
        /// Under load, with readers and the sqlite3 shell hammering it as it comes back.
        case readersAtRestart

        var description: String {
            switch self {
            case .startingUp: "while starting up"
            case .underLoad: "under load"
            case .duringCheckpoint: "during a checkpoint"
            case .readersAtRestart: "under load, restarted into readers"
            }
        }
    }

    /// Clients that keep calling until told to stop; they count what was answered.
    final class Clients: Sendable {
        let stop = Atomic<Bool>(false)
        let answered = Atomic<Int>(0)
        let group = DispatchGroup()

        /// `count` clients calling `call` in a loop on their own connections (reconnecting
        /// while the daemon is away).
        func run(_ count: Int, socket: String, _ call: @escaping @Sendable (VarlinkConnection, Int, Int) throws -> Void)
        {
            for client in 0..<count {
                group.enter()
                Thread { [self] in
                    defer { group.leave() }
                    var n = 0
                    while !stop.load(ordering: .relaxed) {
                        guard let connection = try? VarlinkConnection(path: socket) else {
                            usleep(5_000)
                            continue
                        }
                        while !stop.load(ordering: .relaxed), (try? call(connection, client, n)) != nil {
                            answered.add(1, ordering: .relaxed)
                            n += 1
                        }
                    }
                }.start()
            }
        }

        func finish() {
            stop.store(true, ordering: .relaxed)
            group.wait()
        }
    }

    /// Submits under `tag` in a loop.
    static func submitting(_ tag: String) -> @Sendable (VarlinkConnection, Int, Int) throws -> Void {
        { connection, client, n in
            let reply = try connection.call(
                "org.hotline.Dispatch.Submit",
                [
                    "channel": "mailbox", "submissionId": .string("\(tag)-\(client)-\(n)"),
                    "content": .string("来信\(n)：路灯不亮"),
                ]
            )
            if reply.error != nil { throw TestDaemonError.clientFailed("\(reply)") }
        }
    }

    @Test(
        "Killed while starting up, under load, during a checkpoint, and restarted into readers: GetInfo and a read answer within 2 s of the start, every round",
        .enabled(if: TestBackend.isSQLite, "the database file's own recovery; PostgreSQL recovers on its server")
    )
    func killAndRestart() throws {
        let daemon = try startedDaemon()
        var slowest: Duration = .zero
        for round in 0..<restartRounds {
            let moment = Moment.allCases[round % Moment.allCases.count]
            let load = Clients()
            switch moment {
            case .startingUp:
                daemon.stop(signal: SIGKILL)
                try daemon.launch()
                usleep(UInt32.random(in: 0...300_000))
            case .underLoad:
                load.run(8, socket: daemon.socket, Self.submitting("load-\(round)"))
                usleep(UInt32.random(in: 100_000...800_000))
            case .duringCheckpoint:
                load.run(8, socket: daemon.socket, Self.submitting("checkpoint-\(round)"))
                // The checkpoint thread wakes every 1,000 log pages, several times a second
                // under this load; a kill a second or more in falls in or near one.
                usleep(UInt32.random(in: 1_000_000...2_500_000))
            case .readersAtRestart:
                load.run(8, socket: daemon.socket, Self.submitting("readers-\(round)"))
                usleep(UInt32.random(in: 100_000...800_000))
            }
            daemon.stop(signal: SIGKILL)
            load.finish()

            // Readers waiting for the new daemon, and the sqlite3 shell on the file.
            let readers = Clients()
            var shell: Process?
            if moment == .readersAtRestart {
                readers.run(4, socket: daemon.socket) { connection, _, _ in
                    let reply = try connection.call("org.hotline.Dispatch.List", ["limit": 5])
                    if reply.error != nil { throw TestDaemonError.clientFailed("\(reply)") }
                }
                let sqlite = Process()
                sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
                sqlite.arguments = [daemon.database, "SELECT count(*) FROM ticket"]
                sqlite.standardOutput = FileHandle.nullDevice
                try sqlite.run()
                shell = sqlite
            }
            let started = ContinuousClock.now
            try daemon.launch()
            var answered = false
            while !answered, ContinuousClock.now - started < .seconds(20) {
                if let connection = try? VarlinkConnection(path: daemon.socket),
                    (try? connection.call("org.varlink.service.GetInfo")) != nil,
                    let status = try? connection.call("org.hotline.Dispatch.Status"), status.error == nil
                {
                    answered = true
                } else {
                    usleep(10_000)
                }
            }
            let took = ContinuousClock.now - started
            slowest = max(slowest, took)
            readers.finish()
            shell?.waitUntilExit()
            #expect(answered, "round \(round) (\(moment)): no answer in 20 s\n\(daemon.log)")
            #expect(took < .seconds(2), "round \(round) (\(moment)): GetInfo and Status took \(took)\n\(daemon.log)")
            #expect(!daemon.log.contains("health check failed"), "round \(round) (\(moment)):\n\(daemon.log)")
            #expect(!daemon.log.contains("storage failure"), "round \(round) (\(moment)):\n\(daemon.log)")
            if moment == .readersAtRestart { #expect(readers.answered.load(ordering: .relaxed) > 0) }
        }
        print("restart test: \(restartRounds) rounds, the slowest start to an answer \(slowest)")
        #expect(try daemon.query("PRAGMA integrity_check") == "ok")
    }
}
