import ArgumentParser
import Foundation
import HotlineBenchmarking

#if canImport(Glibc)
import Glibc
#endif

/// Durable Submit throughput and latency of hotlined against beanstalkd `-f 0` (fsync on
/// every put) on the same machine, disk and load shape. Run it through `scripts/bench`
/// (release build).
@main
struct Benchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotline-bench",
        abstract: "Closed- and open-loop Submit load on hotlined, and the same load on beanstalkd -f 0."
    )

    @Option(help: "The hotlined binary.") var hotlined: String
    @Option(help: "The beanstalkd binary (the comparison is skipped when it is missing).") var beanstalkd =
        "/usr/bin/beanstalkd"
    @Option(help: "A scratch folder on the disk to measure (database and binlog go there).") var directory: String
    @Option(parsing: .upToNextOption, help: "Connection counts for the closed loop.") var connections: [Int] = [
        1, 16, 64, 256,
    ]
    @Option(help: "Seconds per measurement.") var duration = 10.0
    @Option(help: "Repetitions of each measurement (the median is reported).") var runs = 3
    @Option(help: "Requests per second offered in the open-loop case (0 skips it).") var rate = 2000.0
    @Option(help: "Connections of the open-loop case.") var openConnections = 16
    @Option(help: "The storage backend: sqlite (peer: beanstalkd -f 0) or postgresql (floor: pgbench).")
    var backend = "sqlite"
    @Option(help: "For postgresql: the URL of an empty database the daemon and the floor write into.")
    var postgres: String?
    @Option(help: "For postgresql: the pgbench binary.") var pgbench = "/usr/lib/postgresql/15/bin/pgbench"
    @Option(help: "For sqlite: the compiled scripts/testing/submit-floor (the floor is skipped without it).")
    var submitFloor: String?

    func validate() throws {
        guard rate >= 0 else { throw ValidationError("--rate must be 0 (no open loop) or more") }
        guard duration > 0, runs > 0 else { throw ValidationError("--duration and --runs must be positive") }
        guard backend == "sqlite" || backend == "postgresql" else {
            throw ValidationError("--backend is sqlite or postgresql, not \(backend)")
        }
        guard backend == "sqlite" || postgres != nil else {
            throw ValidationError("--backend postgresql needs --postgres URL")
        }
    }

    /// The pgbench floor on the database of `url` (`postgresql://USER@/DB?host=FOLDER`).
    func floor(_ url: String) throws -> PgbenchFloor {
        guard let components = URLComponents(string: url), let user = components.user,
            let folder = components.queryItems?.first(where: { $0.name == "host" })?.value
        else { throw ValidationError("--postgres must be postgresql://USER@/DATABASE?host=SOCKET-FOLDER") }
        return PgbenchFloor(
            pgbench: pgbench,
            socketFolder: folder,
            user: user,
            database: String(components.path.dropFirst()),
            directory: directory
        )
    }

    func run() throws {
        // A server that closes a connection must show up as a failure, not kill the benchmark.
        signal(SIGPIPE, SIG_IGN)
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        say("machine: \(Self.machine())")
        say("each figure: median of \(runs) runs of \(Int(duration)) s\n")

        let hotline = try Daemon.hotlined(hotlined, directory: directory, database: postgres)
        defer { hotline.stop() }
        var beanstalk: Daemon?
        if let postgres {
            try postgresRuns(hotline: hotline, floor: try floor(postgres), tag: tag)
            return
        }
        if FileManager.default.isExecutableFile(atPath: beanstalkd) {
            beanstalk = try Daemon.beanstalkd(beanstalkd, directory: directory)
        } else {
            say("beanstalkd not found at \(beanstalkd): comparison skipped")
        }
        defer { beanstalk?.stop() }

        say(
            "| connections | hotlined Submit/s | p50 ms | p99 ms | p99.9 ms | CPU µs/req | beanstalkd put/s | p50 ms | p99 ms | p99.9 ms | CPU µs/req | ratio |"
        )
        say("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        var sequence = 0
        var answered = 0
        var rates: [(connections: Int, submits: Double)] = []
        for count in connections {
            // A target per run: each run submits under its own tag, so that every run stores
            // new tickets (a repeated submission id would measure the idempotent re-submission).
            func measure(_ target: (Int) -> any LoadTarget, on server: Daemon) throws -> LoadResult {
                var results: [LoadResult] = []
                for run in 0..<runs {
                    let cpu = server.cpuSeconds()
                    var result = try LoadRun(target: target(run), connections: count, duration: duration).run()
                    result.serverCPU = server.cpuSeconds() - cpu
                    if result.failures > 0 {
                        throw LoadError(description: "\(result.target): \(result.firstFailure ?? "failures")")
                    }
                    if server.database != nil { answered += result.completed }
                    results.append(result)
                }
                return results.sorted { $0.throughput < $1.throughput }[results.count / 2]
            }
            sequence += 1
            let ours = try measure(
                { HotlineTarget(socket: hotline.socket, run: "\(tag)-\(sequence)-\($0)") },
                on: hotline
            )
            let theirs = try beanstalk.map { server in
                try measure({ _ in BeanstalkTarget(socket: server.socket) }, on: server)
            }
            say(Self.row(count, ours, theirs))
            rates.append((count, ours.throughput))
        }

        if rate > 0 { answered += try openLoop(hotline: hotline, beanstalk: beanstalk, tag: tag) }
        say("\nhotlined RSS after the runs: \(hotline.memory("VmRSS")) (peak VmHWM \(hotline.memory("VmHWM")))")
        say(
            "tickets stored: \(try hotline.ticketCount()) (Submits answered within the timed windows: \(answered); each is a new ticket)"
        )
        if let submitFloor, let database = hotline.database {
            hotline.stop()
            try floorRuns(SQLiteFloor(program: submitFloor, directory: directory), from: database, against: rates)
        }
    }

    /// The SQLite floor at each connection count: the daemon's rows written again with SQLite
    /// alone in transactions of as many Submits as there were connections (group commit
    /// holds about one per waiting connection), beside the daemon's rate.
    func floorRuns(
        _ floor: SQLiteFloor,
        from database: String,
        against rates: [(connections: Int, submits: Double)]
    )
        throws
    {
        try floor.prepare(from: database)
        say("\nthe SQLite floor: the same rows per Submit, C and SQLite alone, one commit per batch of N")
        say("| connections = N | hotlined Submit/s | floor Submit/s | hotlined / floor |")
        say("|---:|---:|---:|---:|")
        for (count, submits) in rates {
            var floors: [Double] = []
            for _ in 0..<runs { floors.append(try floor.run(batch: min(count, 256), seconds: duration)) }
            let median = Percentiles.median(floors)
            say(String(format: "| %d | %.0f | %.0f | %.2f |", count, submits, median, submits / median))
        }
    }

    /// The PostgreSQL table: hotlined's Submit against the pgbench floor at each connection
    /// count, runs interleaved (hotlined, floor, hotlined, …), then the open loop.
    func postgresRuns(hotline: Daemon, floor: PgbenchFloor, tag: String) throws {
        say("backend: PostgreSQL (\(postgres ?? "")); floor: pgbench writing the same rows per transaction\n")
        say(
            "| connections | hotlined Submit/s | p50 ms | p99 ms | p99.9 ms | CPU µs/req | pgbench floor tx/s | ratio | ratio of each pair |"
        )
        say("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        var answered = 0
        for (sequence, count) in connections.enumerated() {
            var ours: [LoadResult] = []
            var floors: [Double] = []
            for run in 0..<runs {
                let cpu = hotline.cpuSeconds()
                var result = try LoadRun(
                    target: HotlineTarget(socket: hotline.socket, run: "\(tag)-\(sequence)-\(run)"),
                    connections: count,
                    duration: duration
                ).run()
                result.serverCPU = hotline.cpuSeconds() - cpu
                if result.failures > 0 {
                    throw LoadError(description: "\(result.target): \(result.firstFailure ?? "failures")")
                }
                answered += result.completed
                ours.append(result)
                floors.append(try floor.run(connections: count, duration: duration))
            }
            let median = ours.sorted { $0.throughput < $1.throughput }[ours.count / 2]
            let floorMedian = floors.sorted()[floors.count / 2]
            // Each run beside the floor run right after it: the server's own speed drifts
            // from minute to minute on a shared machine.
            let pairs = zip(ours, floors).map { $0.throughput / $1 }
            say(
                String(
                    format: "| %d | %.0f | %.2f | %.2f | %.2f | %.0f | %.0f | %.2f | %@ |",
                    count,
                    median.throughput,
                    median.percentile(50),
                    median.percentile(99),
                    median.percentile(99.9),
                    median.serverCPUPerRequest ?? .nan,
                    floorMedian,
                    median.throughput / floorMedian,
                    pairs.map { String(format: "%.2f", $0) }.joined(separator: ", ")
                )
            )
        }
        if rate > 0 {
            answered += try openLoop(hotline: hotline, beanstalk: nil, tag: tag)
            var runs: [(throughput: Double, latencies: [Double])] = []
            for _ in 0..<self.runs {
                runs.append(try floor.run(rate: rate, connections: openConnections, duration: duration))
            }
            let open = runs.sorted {
                Percentiles.percentile(99, of: $0.latencies) < Percentiles.percentile(99, of: $1.latencies)
            }[
                runs.count / 2
            ]
            say(
                String(
                    format:
                        "floor (pgbench --rate, same rate and clients): %.0f/s done, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms",
                    open.throughput,
                    Percentiles.percentile(50, of: open.latencies),
                    Percentiles.percentile(99, of: open.latencies),
                    Percentiles.percentile(99.9, of: open.latencies),
                    open.latencies.last ?? 0
                )
            )
        }
        answered += try pairRuns(hotline: hotline, tag: tag)
        say("\nhotlined RSS after the runs: \(hotline.memory("VmRSS")) (peak VmHWM \(hotline.memory("VmHWM")))")
        say(
            "Submits answered within the timed windows: \(answered); open tickets the daemon reports: \(try hotline.ticketCount())"
        )
    }

    /// Submit through two daemons on the one database against one, at the largest connection
    /// count below 256 (the clients dealt out between the two), runs interleaved. Both daemons
    /// share this machine's cores with the server. Returns the Submits answered.
    func pairRuns(hotline: Daemon, tag: String) throws -> Int {
        let count = connections.filter { $0 < 256 }.max() ?? 64
        let folder = directory + "/second"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let second = try Daemon.hotlined(hotlined, directory: folder, database: postgres)
        defer { second.stop() }
        say("\ntwo daemons on the one database against one, \(count) connections:\n")
        say("| daemons | Submit/s | p50 ms | p99 ms | CPU µs/req (all daemons) | each run |")
        say("|---:|---:|---:|---:|---:|---|")
        var answered = 0
        var results: [[LoadResult]] = [[], []]
        for run in 0..<runs {
            for (index, sockets) in [[hotline.socket], [hotline.socket, second.socket]].enumerated() {
                let cpu = hotline.cpuSeconds() + second.cpuSeconds()
                var result = try LoadRun(
                    target: HotlineTarget(sockets: sockets, run: "\(tag)-pair-\(index)-\(run)"),
                    connections: count,
                    duration: duration
                ).run()
                result.serverCPU = hotline.cpuSeconds() + second.cpuSeconds() - cpu
                if result.failures > 0 {
                    throw LoadError(description: "\(result.target): \(result.firstFailure ?? "failures")")
                }
                answered += result.completed
                results[index].append(result)
            }
        }
        for (index, runs) in results.enumerated() {
            let median = runs.sorted { $0.throughput < $1.throughput }[runs.count / 2]
            say(
                String(
                    format: "| %d | %.0f | %.2f | %.2f | %.0f | %@ |",
                    index + 1,
                    median.throughput,
                    median.percentile(50),
                    median.percentile(99),
                    median.serverCPUPerRequest ?? .nan,
                    runs.map { String(format: "%.0f", $0.throughput) }.joined(separator: ", ")
                )
            )
        }
        return answered
    }

    /// The open-loop case: `rate` submits a second offered whatever the answers take. Returns
    /// the Submits answered.
    func openLoop(hotline: Daemon, beanstalk: Daemon?, tag: String) throws -> Int {
        say("\nopen loop: \(Int(rate)) Submit/s offered over \(openConnections) connections, \(Int(duration)) s")
        var open: [LoadResult] = []
        for run in 0..<runs {
            open.append(
                try LoadRun(
                    target: HotlineTarget(socket: hotline.socket, run: "\(tag)-open-\(run)"),
                    connections: openConnections,
                    duration: duration,
                    rate: rate
                ).run()
            )
        }
        let median = open.sorted { $0.percentile(99) < $1.percentile(99) }[open.count / 2]
        say(
            String(
                format: "hotlined: %.0f/s answered, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms",
                median.throughput,
                median.percentile(50),
                median.percentile(99),
                median.percentile(99.9),
                Double(median.histogram.max) / 1000
            )
        )
        if let beanstalk {
            let theirs = try LoadRun(
                target: BeanstalkTarget(socket: beanstalk.socket),
                connections: openConnections,
                duration: duration,
                rate: rate
            ).run()
            say(
                String(
                    format: "beanstalkd: %.0f/s answered, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms",
                    theirs.throughput,
                    theirs.percentile(50),
                    theirs.percentile(99),
                    theirs.percentile(99.9)
                )
            )
        }
        return open.reduce(0) { $0 + $1.completed }
    }

    static func row(_ connections: Int, _ ours: LoadResult, _ theirs: LoadResult?) -> String {
        func cells(_ r: LoadResult) -> String {
            String(
                format: "%.0f | %.2f | %.2f | %.2f | %.0f",
                r.throughput,
                r.percentile(50),
                r.percentile(99),
                r.percentile(99.9),
                r.serverCPUPerRequest ?? .nan
            )
        }
        let ratio = theirs.map { String(format: "%.1f×", ours.throughput / $0.throughput) } ?? "–"
        return "| \(connections) | \(cells(ours)) | \(theirs.map(cells) ?? "– | – | – | – | –") | \(ratio) |"
    }

    static func machine() -> String {
        let cpu =
            (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "?"
        return
            "\(ProcessInfo.processInfo.activeProcessorCount) cores (\(cpu)), \(ProcessInfo.processInfo.physicalMemory >> 20) MiB"
    }
}

/// Prints a line at once (standard output may be a file; a killed run keeps what it said).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
