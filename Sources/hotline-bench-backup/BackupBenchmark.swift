import ArgumentParser
import Foundation
import HotlineBenchmarking
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// What `Backup` of a large database costs the callers: Submit latency under a steady
/// open-loop load without a backup and while one runs, on a release build of the real
/// `hotlined`, beside the floors of copying the same file with `cp` and with the `sqlite3`
/// shell's `.backup`. Run it through `scripts/bench-backup`.
@main
struct BackupBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotline-bench-backup",
        abstract: "Measure Submit latency during Backup of a large SQLite database, and the copy's floors."
    )

    @Option(help: "Tickets in the database (the SLA benchmark's database, kept between runs).") var tickets = 1_000_000
    @Option(help: "The hotlined binary.") var hotlined: String
    @Option(help: "A scratch folder on the disk to measure.") var directory: String
    @Option(help: "Submits a second offered during both windows (open loop).") var rate = 100.0
    @Option(help: "Connections the load is spread over.") var connections = 8
    @Option(help: "Seconds of load without a backup, before each backup.") var window = 30.0
    @Option(help: "Backups (each after its own window without one).") var runs = 3
    @Option(help: "backups_kept: with 1, every backup after the first also removes the one before.") var kept = 1

    func run() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o755)
        let site = LoadedSite(tickets: tickets, simultaneous: 10_000)
        let loaded = site.keptPath(in: directory)
        if try !KeptDatabase(path: loaded).isCurrent(scratch: directory) {
            let start = Date()
            try await site.load(database: loaded)
            print(String(format: "loaded %d tickets in %.1f s", tickets, Date().timeIntervalSince(start)))
        }
        let working = directory + "/backup-run.db"
        let backups = directory + "/backups"
        KeptDatabase.remove(working)
        try? FileManager.default.removeItem(atPath: backups)
        try FileManager.default.copyItem(atPath: loaded, toPath: working)
        sync()
        let config = directory + "/backup-bench.toml"
        try LoadedSite.config.replacingOccurrences(
            of: "[daemon]\n",
            with: "[daemon]\nbackup_directory = \"\(backups)\"\nbackups_kept = \(kept)\n"
        ).write(toFile: config, atomically: true, encoding: .utf8)
        let socket = directory + "/backup-bench.sock"
        let launched = try LaunchedDaemon(
            hotlined: hotlined,
            socket: socket,
            arguments: ["--config", config, "--database", working, "--manual-clock", "--log-level", "error"]
        )
        defer { launched.stop() }
        let size = (try FileManager.default.attributesOfItem(atPath: working)[.size] as? Int) ?? 0
        print(
            String(
                format: "database: %d tickets, %.0f MiB; load: %.0f Submit/s offered over %d connections (open loop)",
                tickets,
                Double(size) / 1_048_576,
                rate,
                connections
            )
        )
        // Warm-up: the writer's cache, the first WAL.
        _ = PacedSubmitter(socket: socket, tag: "warm", rate: rate, connections: connections).measure(seconds: 5)

        var quietP99: [Double] = []
        var duringP99: [Double] = []
        for run in 1...runs {
            let quiet = PacedSubmitter(socket: socket, tag: "quiet-\(run)", rate: rate, connections: connections)
                .measure(seconds: window)
            let load = PacedSubmitter(socket: socket, tag: "during-\(run)", rate: rate, connections: connections)
            load.start()
            sleep(2)
            let called = DispatchTime.now().uptimeNanoseconds
            let (ms, reply) = try launched.timed("org.hotline.Dispatch.Backup", [:])
            let answered = DispatchTime.now().uptimeNanoseconds
            let wal = (try? FileManager.default.attributesOfItem(atPath: working + "-wal")[.size] as? Int) ?? 0
            sleep(1)
            let (samples, failures) = load.stop()
            guard failures.isEmpty else { throw ValidationError("Submit failed: \(failures.prefix(3))") }
            let during = samples.filter { $0.due >= called && $0.due <= answered }.map(\.milliseconds)
            let bytes = Double(reply.parameters["bytes"]?.intValue ?? 0)
            print(
                String(
                    format: "run %d: Backup %.1f s (%.0f MiB, %.0f MiB/s, %lld tickets); WAL at its end %.0f MiB",
                    run,
                    ms / 1000,
                    bytes / 1_048_576,
                    bytes / 1_048_576 / (ms / 1000),
                    reply.parameters["tickets"]?.intValue ?? 0,
                    Double(wal) / 1_048_576
                )
            )
            print("  Submit without a backup: \(Self.summary(quiet))")
            print("  Submit during the backup: \(Self.summary(during))")
            quietP99.append(Percentiles.percentile(99, of: quiet))
            duringP99.append(Percentiles.percentile(99, of: during))
        }
        let ratio = Percentiles.median(duringP99) / Percentiles.median(quietP99)
        print(
            String(
                format: "median over %d runs: Submit p99 %.2f ms without a backup, %.2f ms during one: %.2fx",
                runs,
                Percentiles.median(quietP99),
                Percentiles.median(duringP99),
                ratio
            )
        )
        launched.stop()

        // The floors: the same file copied with nothing else running.
        let floor = directory + "/backup-floor.db"
        let cp = try Self.timedCommand("/bin/sh", ["-c", "cp \"$0\" \"$1\" && sync \"$1\"", working, floor])
        KeptDatabase.remove(floor)
        let shell = try Self.timedCommand("/usr/bin/sqlite3", [working, ".backup '\(floor)'"])
        _ = try Self.timedCommand("/bin/sync", [floor])
        KeptDatabase.remove(floor)
        let sum = try Self.timedCommand("/usr/bin/sha256sum", [working])
        print(
            String(
                format: "floors, no load: cp + sync %.1f s, sqlite3 .backup %.1f s, sha256sum %.1f s",
                cp,
                shell,
                sum
            )
        )
    }

    /// p50, p99, p99.9 and the slowest of `values` (milliseconds), and how many.
    static func summary(_ values: [Double]) -> String {
        String(
            format: "%d calls, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.1f ms",
            values.count,
            Percentiles.percentile(50, of: values),
            Percentiles.percentile(99, of: values),
            Percentiles.percentile(99.9, of: values),
            values.max() ?? 0
        )
    }

    /// Runs a command to its end; returns its wall time in seconds.
    static func timedCommand(_ executable: String, _ arguments: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let start = Date()
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\(executable) \(arguments) exited \(process.terminationStatus)")
        }
        return Date().timeIntervalSince(start)
    }
}

extension PacedSubmitter {
    /// Runs the load for `seconds`; the latencies in milliseconds.
    func measure(seconds: Double) -> [Double] {
        start()
        usleep(UInt32(seconds * 1_000_000))
        return stop().samples.map(\.milliseconds)
    }
}
