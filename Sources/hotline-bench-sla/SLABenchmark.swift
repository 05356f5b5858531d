import ArgumentParser
import Foundation
import GRDB
import HotlineBenchmarking
import HotlineCore
import HotlineSQLite
import HotlineStore
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// Loads a large database and measures the SLA sweep, Stats and the daemon's memory on the
/// real `hotlined` (contract §4, §5). Run it through `scripts/bench-sla` (release build).
@main
struct SLABenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotline-bench-sla",
        abstract: "Measure the SLA sweep, Stats and RSS of hotlined on a large database."
    )

    @Option(help: "Tickets to load (half open).") var tickets = 1_000_000
    @Option(help: "Deadlines that pass at the same instant.") var simultaneous = 10_000
    @Option(help: "The hotlined binary.") var hotlined: String
    @Option(help: "A scratch folder (the database is kept there between runs of the same size).") var directory: String
    @Option(help: "Repetitions of the Stats query.") var statsRuns = 5
    @Option(help: "Record the daemon with `perf record -g` into this file during the simultaneous sweep only.")
    var profile: String?
    @Option(
        help:
            "The URL of an empty PostgreSQL database to run on instead of SQLite (scripts/bench-sla --backend postgresql)."
    )
    var postgres: String?

    /// The loaded database's shape.
    var site: LoadedSite { LoadedSite(tickets: tickets, simultaneous: simultaneous) }
    static let units = LoadedSite.units
    static let timeZone = LoadedSite.timeZone
    static let t0 = LoadedSite.t0

    func run() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o755)
        let database = site.keptPath(in: directory)
        let config = directory + "/hotlined.toml"
        try LoadedSite.config.write(toFile: config, atomically: true, encoding: .utf8)
        let passAt = site.passAt

        var working = directory + "/run.db"
        var sweepFloor: Double?
        if let postgres {
            // The daemon makes the schema; the server then writes the tickets itself.
            let migrate = try LaunchedDaemon(
                hotlined: hotlined,
                socket: directory + "/migrate.sock",
                arguments: ["--config", config, "--database", postgres, "--manual-clock", "--log-level", "error"]
            )
            migrate.stop()
            // A loaded copy of the same size and schema is kept on the server as a template
            // between runs; each run works on a fresh copy of it.
            let template = PostgresTemplate(url: postgres, name: "hotline_sla_\(tickets)_\(simultaneous)")
            let start = Date()
            if try template.copy() {
                print(String(format: "copied the kept database in %.1f s", Date().timeIntervalSince(start)))
            } else {
                try PostgresLoad.load(
                    url: postgres,
                    tickets: tickets,
                    simultaneous: simultaneous,
                    t0: Self.t0,
                    passAt: passAt,
                    units: Self.units
                )
                print(
                    String(
                        format: "loaded %d tickets into PostgreSQL in %.1f s",
                        tickets,
                        Date().timeIntervalSince(start)
                    )
                )
                try template.keep()
            }
            sweepFloor = try template.sweepFloor(passAt: passAt.millis, simultaneous: simultaneous)
            working = postgres
        } else if try !KeptDatabase(path: database).isCurrent(scratch: directory) {
            let start = Date()
            try await site.load(database: database)
            print(String(format: "loaded %d tickets in %.1f s", tickets, Date().timeIntervalSince(start)))
        }

        if postgres == nil {
            // Each run works on a copy: the sweep marks the tickets overdue for good.
            KeptDatabase.remove(working)
            try FileManager.default.copyItem(atPath: database, toPath: working)
            // Flush the copy: its dirty pages would otherwise be written back during the first
            // commits and make them look slow.
            sync()
        }

        let socket = directory + "/bench.sock"
        let launched = try LaunchedDaemon(
            hotlined: hotlined,
            socket: socket,
            arguments: ["--config", config, "--database", working, "--manual-clock", "--log-level", "error"]
        )
        defer { launched.stop() }
        let daemon = launched.process
        let timed = launched.timed
        func time(_ date: Date) -> JSONValue { .string(RFC3339.format(date, in: Self.timeZone)) }

        // Bring the clock to just before the instant, sweeping the due-soon points on the way.
        let (warmup, _) = try timed("org.hotline.Testing.SetTime", ["now": time(passAt.addingTimeInterval(-1))])
        print(String(format: "sweep up to the instant (due-soon notices of earlier deadlines): %.1f ms", warmup))
        // The daemon writes the warm-up's log entries after answering; let it finish.
        sleep(2)
        let before = try timed("org.hotline.Dispatch.Status", [:]).1.parameters["overdue"]?.intValue ?? 0
        let recorder = try profile.map { try Self.startProfiler(of: daemon.processIdentifier, into: $0) }
        // Meanwhile a second client submits in a closed loop: how long does a citizen's call
        // wait while the sweep holds the writer?
        let submitter = SubmitProbe(socket: socket, tag: "sweep")
        submitter.start()
        let (sweep, _) = try timed("org.hotline.Testing.SetTime", ["now": time(passAt.addingTimeInterval(0.001))])
        let probe = submitter.stop()
        if let recorder {
            var status: Int32 = 0
            waitpid(recorder, &status, 0)
        }
        let after = try timed("org.hotline.Dispatch.Status", [:]).1.parameters["overdue"]?.intValue ?? 0
        print(
            String(
                format:
                    "sweep with %d deadlines passing at once: %.1f ms (SetTime round trip, %lld tickets became overdue)",
                simultaneous,
                sweep,
                after - before
            )
        )

        if let sweepFloor {
            print(
                String(
                    format:
                        "floor: the server alone taking those %d checks in one statement (psql, no daemon, no other client): %.1f ms",
                    simultaneous,
                    sweepFloor
                )
            )
        }
        print(
            String(
                format: "Submit during that sweep: %d answered, slowest %.1f ms, median %.1f ms",
                probe.count,
                probe.max() ?? 0,
                Percentiles.median(probe)
            )
        )

        // The daemon then folds the passings into their tickets in the background; a client
        // keeps submitting meanwhile. The database is watched read-only until nothing is left.
        let unfolded: () async throws -> Int
        if let postgres {
            unfolded = { try PostgresLoad.unfolded(url: postgres) }
        } else {
            let watcher = try DatabaseQueue(
                path: working,
                configuration: {
                    var c = Configuration()
                    c.readonly = true
                    return c
                }()
            )
            unfolded = {
                try await watcher.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM deadlinePassed") ?? 0 }
            }
        }
        let folder = SubmitProbe(socket: socket, tag: "fold")
        let foldStart = DispatchTime.now().uptimeNanoseconds
        folder.start()
        while try await unfolded() > 0 { usleep(10_000) }
        let foldMs = Double(DispatchTime.now().uptimeNanoseconds - foldStart) / 1e6
        let foldProbe = folder.stop()
        print(
            String(
                format:
                    "background fold of those passings into their tickets: %.0f ms; Submit meanwhile: %d answered, slowest %.1f ms, median %.1f ms",
                foldMs,
                foldProbe.count,
                foldProbe.max() ?? 0,
                Percentiles.median(foldProbe)
            )
        )

        var statsTimes: [Double] = []
        let month: [String: JSONValue] = [
            "from": time(Self.t0.addingTimeInterval(-86400 * 10)), "to": time(Self.t0.addingTimeInterval(86400 * 20)),
        ]
        var counted: Int64 = 0
        for _ in 0..<statsRuns {
            let (ms, reply) = try timed("org.hotline.Dispatch.Stats", month)
            statsTimes.append(ms)
            counted = reply.parameters["total"]?["dispatched"]?.intValue ?? 0
        }
        statsTimes.sort()
        print(
            String(
                format:
                    "Stats for one month over %d units ("
                    + "whole hours, from the hour rollup"
                    + "): median %.1f ms, min %.1f ms (%lld tickets in the month)",
                Self.units.count,
                statsTimes[statsTimes.count / 2],
                statsTimes[0],
                counted
            )
        )
        // The same period shifted by a second is not hour-aligned: its two ends are scanned.
        let shifted: [String: JSONValue] = [
            "from": time(Self.t0.addingTimeInterval(-86400 * 10 + 1)),
            "to": time(Self.t0.addingTimeInterval(86400 * 20 + 1)),
        ]
        var scanTimes: [Double] = []
        for _ in 0..<3 { scanTimes.append(try timed("org.hotline.Dispatch.Stats", shifted).0) }
        scanTimes.sort()
        print(
            String(
                format: "Stats for the same month shifted by a second (two partial hours scanned): median %.1f ms",
                scanTimes[1]
            )
        )
        // Hot spots of the same month against the month before, by each key.
        var spots: [String] = []
        for key in ["category", "district", "unit", "channel"] {
            var times: [Double] = []
            for _ in 0..<max(3, statsRuns) {
                times.append(
                    try timed("org.hotline.Dispatch.Hotspots", month.merging(["by": .string(key)]) { a, _ in a }).0
                )
            }
            times.sort()
            spots.append(String(format: "%@ %.1f ms", key, times[times.count / 2]))
        }
        print("Hotspots for that month against the month before, median: " + spots.joined(separator: ", "))
        print(
            "daemon RSS: \(ProcessStatus.field("VmRSS", of: daemon.processIdentifier)) (VmHWM \(ProcessStatus.field("VmHWM", of: daemon.processIdentifier)))"
        )
    }

    /// Starts `perf record` on the daemon for the next 3 seconds and waits until it is recording.
    /// Spawned with an empty signal mask: Foundation's `Process` passes on the calling thread's
    /// blocked signals, and perf then never sees its child end.
    static func startProfiler(of pid: Int32, into file: String) throws -> pid_t {
        let arguments = [
            "perf", "record", "-q", "-F", "2000", "--call-graph", "dwarf,16384", "-p", String(pid), "-o", file, "--",
            "sleep", "3",
        ]
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
        }
        var child: pid_t = 0
        let status = posix_spawnp(&child, "perf", nil, &attributes, &argv, environ)
        guard status == 0 else {
            throw ValidationError("perf could not be started: \(String(cString: strerror(status)))")
        }
        usleep(700_000)
        return child
    }

}
