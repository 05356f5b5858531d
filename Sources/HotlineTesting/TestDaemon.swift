import Foundation
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// A real `hotlined` on a temporary socket and database, with the manual clock.
///
/// The folder is world-traversable and the socket mode 0666, so that clients started
/// under other uids (``call(_:_:as:)``) reach it and the daemon's role mapping decides.
public final class TestDaemon: @unchecked Sendable {
    /// The temporary folder holding the socket, the database, the config and the log.
    public let directory: String
    /// The socket path.
    public var socket: String { directory + "/hotline.sock" }
    /// The database: on SQLite its path, in the folder unless ``databaseLocation`` names
    /// another place; on PostgreSQL (``TestBackend/current``) the URL of a database of its own.
    public var database: String { databaseLocation ?? postgresURL ?? directory + "/hotline.db" }
    /// The daemon's PostgreSQL database, when the tests run on that backend.
    public let postgresURL: String?
    /// Where the database goes instead of the folder (a small file system, for disk-full
    /// tests), or the URL of a PostgreSQL database of the test's own server.
    public var databaseLocation: String?
    /// The configuration file path.
    public var configPath: String { directory + "/hotlined.toml" }
    /// The daemon's stderr log.
    public var logPath: String { directory + "/hotlined.log" }
    private(set) var process: Process?

    /// The test configuration: the example calendar, three units and their routes, and
    /// role uids operators 1001, supervisors 1002, water 2001, power 2002, gas 2003.
    public static let standardConfig = """
        [daemon]
        socket_mode = "0666"
        timezone = "Asia/Shanghai"

        [calendar]
        years = [2026]
        holidays = ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"]
        workdays = ["2026-09-20", "2026-10-10"]

        [roles]
        operators = { uids = [1001] }
        supervisors = { uids = [1002], groups = ["4242"] }

        [[unit]]
        id = "water"
        name = "市水务集团"
        uids = [2001]
        groups = ["4201"]

        [[unit]]
        id = "power"
        name = "国网岳阳供电公司"
        uids = [2002]

        [[unit]]
        id = "gas"
        name = "市燃气公司"
        uids = [2003]

        [[route]]
        unit = "water"
        keywords = ["停水"]
        co_units = ["gas"]

        [[route]]
        unit = "power"
        category = "power"
        resolve = "24 hours"
        claim = "1 hours"
        """

    /// Creates the folder and writes the configuration; call ``start(extraArguments:)`` next.
    public init(config: String = TestDaemon.standardConfig) throws {
        var template = Array("/tmp/hotline-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        directory = String(cString: made)
        chmod(directory, 0o755)
        postgresURL = TestBackend.current == .postgresql ? try TestPostgres.freshDatabase() : nil
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
        if let postgresURL { try? TestPostgres.drop(postgresURL) }
    }

    /// Runs one SQL statement on the daemon's database with the backend's own client
    /// (`sqlite3` or `psql`) and returns its output.
    public func query(_ sql: String) throws -> String {
        if let postgresURL { return try TestPostgres.psql(postgresURL, sql) }
        let result = try ProcessResult.run("/usr/bin/sqlite3", [database, sql])
        guard result.status == 0 else { throw TestDaemonError.clientFailed("sqlite3: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts the daemon with `--manual-clock` and waits until its socket answers.
    public func start(extraArguments: [String] = ["--manual-clock"]) throws {
        try launch(extraArguments: extraArguments)
        try waitUntilAnswering()
    }

    /// Starts the daemon with `--manual-clock` and returns at once.
    public func launch(extraArguments: [String] = ["--manual-clock"]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuildProducts.hotlined)
        process.arguments = ["--config", configPath, "--socket", socket, "--database", database] + extraArguments
        process.environment = Self.environment
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        self.process = process
    }

    /// What a test daemon runs with: the test process's environment without systemd's
    /// variables. A test that sets `NOTIFY_SOCKET` in its own process (it is process-wide)
    /// must not hand it to the daemons other tests start meanwhile: their notifications would
    /// fill that listener's queue, and a daemon's `sd_notify` then blocks in `sendmsg`.
    static var environment: [String: String] {
        ProcessInfo.processInfo.environment.filter { key, _ in
            !["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_USEC", "WATCHDOG_PID"]
                .contains(key)
        }
    }

    /// Polls the socket until `GetInfo` answers (at most 20 s).
    public func waitUntilAnswering() throws {
        for _ in 0..<400 {
            if let connection = try? VarlinkConnection(path: socket),
                (try? connection.call("org.varlink.service.GetInfo")) != nil
            {
                return
            }
            if let process, !process.isRunning {
                throw TestDaemonError.exited(status: process.terminationStatus, log: log)
            }
            usleep(50_000)
        }
        throw TestDaemonError.notAnswering(log: log + threadBacktraces())
    }

    /// Every thread's stack of the running daemon, from `gdb` when the machine has it: what a
    /// daemon that stopped answering was waiting for.
    func threadBacktraces() -> String {
        guard let process, process.isRunning, FileManager.default.isExecutableFile(atPath: "/usr/bin/gdb"),
            let result = try? ProcessResult.run(
                "/usr/bin/gdb",
                [
                    "-batch", "-nx", "-p", "\(process.processIdentifier)",
                    "-ex", "thread apply all bt 30",
                ]
            )
        else { return "" }
        let frames = result.stdout.split(separator: "\n").filter { $0.hasPrefix("Thread ") || $0.hasPrefix("#") }
        return "\nthreads of hotlined \(process.processIdentifier) when it did not answer:\n"
            + frames.joined(separator: "\n")
    }

    /// Sends SIGTERM and waits for the exit; returns the exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) -> Int32? {
        guard let process, process.isRunning else { return self.process?.terminationStatus }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Sends SIGHUP and waits until the log shows the reload's outcome.
    public func reload(expecting outcome: String = "configuration reloaded") throws {
        guard let process else { throw TestDaemonError.notAnswering(log: log) }
        let before = log.components(separatedBy: outcome).count
        kill(process.processIdentifier, SIGHUP)
        for _ in 0..<200 {
            if log.components(separatedBy: outcome).count > before { return }
            usleep(25_000)
        }
        throw TestDaemonError.clientFailed("no \"\(outcome)\" after SIGHUP:\n\(log)")
    }

    /// Whether the daemon process is still running.
    public var isRunning: Bool { process?.isRunning ?? false }

    /// The daemon's log so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// A new connection as this process's own uid (root in CI: the admin role).
    public func connect() throws -> VarlinkConnection {
        try VarlinkConnection(path: socket)
    }

    /// Calls a method as root (admin) and returns the reply.
    public func call(_ method: String, _ parameters: [String: JSONValue] = [:]) throws -> VarlinkReply {
        try connect().call(method, parameters)
    }

    /// Calls a method from a `hotlinectl` started under another identity with `setpriv`
    /// (`--reuid/--regid`, no supplementary groups but `groups`), so that the daemon sees
    /// that peer's real credentials.
    public func call(
        _ method: String,
        _ parameters: [String: JSONValue] = [:],
        as identity: Identity
    ) throws -> VarlinkReply {
        let encoder = JSONEncoder()
        let json = String(decoding: try encoder.encode(JSONValue.object(parameters)), as: UTF8.self)
        let command = identity.setpriv([
            BuildProducts.hotlinectl, "--socket", socket, "call", "--raw-errors", method, "-",
        ])
        let result = try ProcessResult.run(command.executable, command.arguments, input: json)
        // `call --raw-errors` prints {"error": NAME?, "parameters": {…}} for success and failure alike.
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8)),
            let parameters = value["parameters"]?.objectValue
        else {
            throw TestDaemonError.clientFailed("status \(result.status): \(result.stderr)")
        }
        if let name = value["error"]?.stringValue {
            return VarlinkReply(error: VarlinkError(name: name, parameters: parameters))
        }
        return VarlinkReply(parameters: parameters)
    }
}

/// A peer identity for ``TestDaemon/call(_:_:as:)``.
public struct Identity: Sendable, Hashable {
    /// The uid.
    public var uid: UInt32
    /// The primary gid.
    public var gid: UInt32
    /// Supplementary groups.
    public var groups: [UInt32]

    /// Creates an identity; the gid defaults to the uid.
    public init(uid: UInt32, gid: UInt32? = nil, groups: [UInt32] = []) {
        self.uid = uid
        self.gid = gid ?? uid
        self.groups = groups
    }

    /// The test configuration's operator.
    public static let `operator` = Identity(uid: 1001)
    /// The test configuration's supervisor.
    public static let supervisor = Identity(uid: 1002)
    /// A member of the water unit.
    public static let water = Identity(uid: 2001)
    /// A member of the power unit.
    public static let power = Identity(uid: 2002)
    /// A member of the gas unit.
    public static let gas = Identity(uid: 2003)
    /// Nobody the configuration knows.
    public static let stranger = Identity(uid: 3999)

    /// `setpriv` and its options that run `command` as this identity (real uid and gid, and
    /// no supplementary groups but ``groups``).
    public func setpriv(_ command: [String]) -> (executable: String, arguments: [String]) {
        let groupArguments =
            groups.isEmpty ? ["--clear-groups"] : ["--groups=" + groups.map(String.init).joined(separator: ",")]
        return ("/usr/bin/setpriv", ["--reuid=\(uid)", "--regid=\(gid)"] + groupArguments + command)
    }
}

/// Why a test daemon could not be used.
public enum TestDaemonError: Error, CustomStringConvertible {
    /// The daemon exited before answering.
    case exited(status: Int32, log: String)
    /// The socket never answered.
    case notAnswering(log: String)
    /// hotlinectl failed without an error reply.
    case clientFailed(String)

    /// What happened, with the daemon's log.
    public var description: String {
        switch self {
        case .exited(let status, let log): "hotlined exited with \(status):\n\(log)"
        case .notAnswering(let log): "hotlined did not answer:\n\(log)"
        case .clientFailed(let stderr): "hotlinectl failed: \(stderr)"
        }
    }
}
