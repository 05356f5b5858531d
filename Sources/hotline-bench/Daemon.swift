import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A server process started for the benchmark, stopped with it.
struct Daemon {
    let process: Process
    let socket: String
    let database: String?
    let hotlinectl: String?

    /// hotlined on a fresh database in `directory` (or on the PostgreSQL database of the URL
    /// `url`), logging notices and worse to `hotlined.log` there (ticket events are logged at
    /// info: the benchmark measures the store, not the log).
    static func hotlined(_ binary: String, directory: String, database url: String? = nil) throws -> Daemon {
        let socket = directory + "/hotline.sock"
        let database = url ?? directory + "/hotline.db"
        let config = directory + "/hotlined.toml"
        try """
        [daemon]
        socket_mode = "0600"
        max_connections_per_uid = 1024
        [calendar]
        years = [2026, 2027]
        [roles]
        operators = { uids = [0] }
        [[unit]]
        id = "water"
        [[route]]
        unit = "water"
        keywords = ["停"]
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--config", config, "--socket", socket, "--database", database, "--log-level", "notice"]
        _ = FileManager.default.createFile(atPath: directory + "/hotlined.log", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: directory + "/hotlined.log")
        try process.run()
        try waitForSocket(socket, process)
        let ctl = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("hotlinectl").path
        return Daemon(process: process, socket: socket, database: database, hotlinectl: ctl)
    }

    /// beanstalkd with its binlog in `directory`, fsync before every acknowledgement (`-f 0`).
    static func beanstalkd(_ binary: String, directory: String) throws -> Daemon {
        let socket = directory + "/beanstalkd.sock"
        let binlog = directory + "/beanstalkd-binlog"
        try FileManager.default.createDirectory(atPath: binlog, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-l", "unix:" + socket, "-f", "0", "-b", binlog]
        try process.run()
        try waitForSocket(socket, process)
        return Daemon(process: process, socket: socket, database: nil, hotlinectl: nil)
    }

    static func waitForSocket(_ path: String, _ process: Process) throws {
        for _ in 0..<200 {
            if let stream = try? UnixStream(path: path) {
                stream.close()
                return
            }
            guard process.isRunning else {
                throw LoadError(description: "\(process.executableURL!.path) exited at start-up")
            }
            usleep(50_000)
        }
        throw LoadError(description: "\(path) did not come up")
    }

    func memory(_ field: String) -> String {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        else { return "?" }
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().joined(separator: " ")
    }

    /// CPU time the process has used so far, user and system, in seconds.
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return .nan }
        // Fields after the command name: state is field 3, utime 14 and stime 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The open-ticket count the daemon reports (every submitted ticket stays open).
    func ticketCount() throws -> String {
        guard let hotlinectl else { return "?" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: hotlinectl)
        process.arguments = ["--socket", socket, "--json", "status"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return "\(object?["open"] ?? "?")"
    }

    func stop() {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }
}
