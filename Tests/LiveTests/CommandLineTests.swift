import Foundation
import HotlineTesting
import Testing
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// Runs hotlinectl against `daemon` as `identity` (root when nil), with the daemon's
/// configuration for unit names.
func ctl(
    _ daemon: TestDaemon,
    _ identity: Identity?,
    _ arguments: [String],
    input: String? = nil
) throws -> ProcessResult {
    let command = [BuildProducts.hotlinectl, "--socket", daemon.socket, "--config", daemon.configPath] + arguments
    let (executable, rest) = identity?.setpriv(command) ?? (command[0], Array(command.dropFirst()))
    return try ProcessResult.run(executable, rest, input: input)
}

/// Exit statuses the contract's clients may rely on (sysexits.h).
enum Exit {
    static let usage: Int32 = 64, conflict: Int32 = 65, notFound: Int32 = 66, unreachable: Int32 = 69,
        permission: Int32 = 77
}

@Suite("hotlinectl against the live daemon", .serialized, .enabled(if: isRoot))
struct CommandLineTests {
    /// Submits through hotlinectl as the operator; returns the ticket id.
    func submitted(_ daemon: TestDaemon, _ key: String, _ text: String = "小区停水三天了") throws -> String {
        let result = try ctl(
            daemon,
            .operator,
            ["submit", "--submission-id", key, text, "--name", "张三丰", "--phone", "13812345678"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        return String(result.stdout.split(separator: " ").first ?? "")
    }

    @Test("submit prints the id and the unit it went to; the text may come from an argument, standard input or a file")
    func submit() throws {
        let daemon = try startedDaemon()
        let first = try ctl(
            daemon,
            .operator,
            ["submit", "--submission-id", "c-1", "小区停水三天了", "--phone", "13812345678"]
        )
        #expect(first.status == 0)
        #expect(
            first.stdout.range(of: #"^\d{8}-\d{4}  water 市水务集团\n"#, options: .regularExpression) != nil,
            "\(first.stdout)"
        )

        let letter = String(repeating: "市长您好，我们小区停水已经三天了。", count: 300)
        let piped = try ctl(
            daemon,
            .operator,
            ["submit", "--channel", "mailbox", "--submission-id", "m-1", "-"],
            input: letter
        )
        #expect(piped.status == 0, "\(piped.stderr)")
        let id = String(piped.stdout.split(separator: " ").first ?? "")
        #expect(
            try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)]).parameters["ticket"]?["content"]
                == .string(letter)
        )

        let file = daemon.directory + "/letter.txt"
        try "路灯不亮，请尽快修理。".write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try ctl(
            daemon,
            .operator,
            ["submit", "--channel", "mailbox", "--submission-id", "m-2", "--content-file", file]
        )
        #expect(fromFile.stdout.contains("pending (no route matched"), "\(fromFile.stdout)")

        let again = try ctl(
            daemon,
            .operator,
            ["submit", "--submission-id", "c-1", "小区停水三天了", "--phone", "13812345678"]
        )
        #expect(again.stdout.contains("already submitted"))

        let refused = try ctl(daemon, .water, ["submit", "--submission-id", "c-9", "x"])
        #expect(refused.status == Exit.permission)
        #expect(refused.stderr.contains("permission denied: uid 2001 may not submit tickets"), "\(refused.stderr)")
        #expect(refused.stderr.contains("org.varlink.service.PermissionDenied"))

        let noText = try ctl(daemon, .operator, ["submit", "--submission-id", "c-10"])
        #expect(noText.status == Exit.usage)
    }

    @Test("Every ticket command as the role that may use it, and refused for one that may not")
    func lifecycle() throws {
        let daemon = try startedDaemon()
        let id = try submitted(daemon, "life-1")
        func run(_ identity: Identity, _ arguments: [String], input: String? = nil) throws -> ProcessResult {
            try ctl(daemon, identity, arguments, input: input)
        }
        func expectRefused(_ identity: Identity, _ arguments: [String]) throws {
            let result = try run(identity, arguments)
            #expect(
                result.status == Exit.permission,
                "\(arguments) as \(identity.uid): \(result.status) \(result.stderr)"
            )
        }

        try expectRefused(.operator, ["claim", id])
        var result = try run(.water, ["claim", id])
        #expect(
            result.status == 0 && result.stdout.contains("\(id)  claimed  water 市水务集团  resolve by "),
            "\(result.stdout)"
        )

        try expectRefused(.operator, ["progress", id, "--note", "x"])
        result = try run(.water, ["progress", id, "--note", "-"], input: "已派人排查管网")
        #expect(result.status == 0)
        #expect(
            try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)]).parameters["events"]?.arrayValue?
                .contains { $0["note"] == "已派人排查管网" } == true
        )

        try expectRefused(.gas, ["extend", id, "--reason", "x"])
        result = try run(.water, ["extend", id, "--reason", "需更换主管道", "--until", "2026-12-31T17:30:00+08:00"])
        #expect(result.status == 0 && result.stdout.contains("EXT?"), "\(result.stdout) \(result.stderr)")
        try expectRefused(.water, ["decide-extension", id, "--approve"])
        result = try run(.supervisor, ["decide-extension", id, "--approve", "--note", "同意"])
        #expect(result.status == 0 && !result.stdout.contains("EXT?"))

        try expectRefused(.water, ["supervise", id, "--note", "x"])
        result = try run(.supervisor, ["supervise", id, "--note", "请尽快处理"])
        #expect(result.status == 0 && result.stdout.contains("SUPERVISED"))

        try expectRefused(.operator, ["reply", id, "--result", "x"])
        result = try run(.water, ["reply", id, "--result", "已抢修恢复供水"])
        #expect(result.status == 0 && result.stdout.contains("replied"))

        try expectRefused(.water, ["rate", id, "--rating", "dissatisfied", "--no-solved"])
        result = try run(.operator, ["rate", id, "--rating", "dissatisfied", "--no-solved", "--comment", "水压还是很低"])
        #expect(result.status == 0 && result.stdout.contains("callback"), "\(result.stdout) \(result.stderr)")

        try expectRefused(.water, ["callback", id, "--outcome", "rectify", "--note", "x"])
        result = try run(.operator, ["callback", id, "--outcome", "rectify", "--note", "市民同意整改"])
        #expect(result.status == 0 && result.stdout.contains("reopened"))

        // explain: any status once overdue; here, before any deadline passed, the daemon says which states allow it.
        try expectRefused(.operator, ["explain", id, "--reason", "x"])

        // return and dispatch on a second ticket; merge and the errors on a third.
        let second = try submitted(daemon, "life-2", "小区停水，水管爆裂")
        try expectRefused(.gas, ["return", second, "--reason", "x"])
        result = try run(.water, ["return", second, "--reason", "应由燃气公司处理"])
        #expect(result.status == 0 && result.stdout.contains("pending"), "\(result.stdout) \(result.stderr)")
        try expectRefused(.water, ["dispatch", second, "--unit", "gas"])
        result = try run(
            .operator,
            ["dispatch", second, "--unit", "gas", "--co-units", "water,power", "--note", "请燃气公司牵头"]
        )
        #expect(result.status == 0 && result.stdout.contains("dispatched  gas 市燃气公司  claim by"), "\(result.stdout)")

        let third = try submitted(daemon, "life-3", "小区停水，同一件事")
        try expectRefused(.water, ["merge", third, "--into", second])
        result = try run(.operator, ["merge", third, "--into", second])
        #expect(result.status == 0 && result.stdout.contains("closed"))

        // The error sentences and their statuses.
        let conflict = try run(.water, ["claim", third])
        #expect(conflict.status == Exit.conflict)
        #expect(
            conflict.stderr.contains("ticket \(third) is closed; only a dispatched ticket can be claimed"),
            "\(conflict.stderr)"
        )
        let missing = try run(.operator, ["show", "20990101-0001"])
        #expect(missing.status == Exit.notFound && missing.stderr.contains("no ticket 20990101-0001"))
        let badValue = try run(.operator, ["rate", second, "--rating", "great", "--solved"])
        #expect(badValue.status == Exit.usage && badValue.stderr.contains("--rating"), "\(badValue.stderr)")
        let unknownUnit = try run(.operator, ["dispatch", second, "--unit", "parks"])
        #expect(unknownUnit.status == Exit.notFound || unknownUnit.status == Exit.conflict, "\(unknownUnit.stderr)")

        // show: as the unit, masked; the history lists every step.
        let shown = try run(.water, ["show", id])
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("138****5678") && !shown.stdout.contains("13812345678"))
        for kind in [
            "received", "dispatched", "claimed", "progress", "extension_requested", "supervised", "replied", "rated",
        ] {
            #expect(shown.stdout.contains(kind), "show lacks \(kind):\n\(shown.stdout)")
        }
    }

    @Test("explain once overdue (the lead unit only); watch refused to a stranger")
    func explainAndWatch() throws {
        let daemon = try startedDaemon()
        try daemon.call("org.hotline.Testing.SetTime", ["now": "2026-10-12T09:00:00+08:00"]).expectSuccess()
        let id = try submitted(daemon, "e-1")
        #expect(try ctl(daemon, .water, ["claim", id]).status == 0)
        try daemon.call("org.hotline.Testing.SetTime", ["now": "2026-12-01T09:00:00+08:00"]).expectSuccess()
        let listed = try ctl(daemon, .water, ["list", "--overdue"])
        #expect(listed.stdout.contains(id) && listed.stdout.contains("OVERDUE"), "\(listed.stdout)")
        #expect(try ctl(daemon, .gas, ["explain", id, "--reason", "x"]).status == Exit.permission)
        let explained = try ctl(daemon, .water, ["explain", id, "--reason", "-"], input: "主管道更换需要协调停水时间")
        #expect(explained.status == 0, "\(explained.stderr)")
        let history =
            try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)]).parameters["events"]?.arrayValue ?? []
        #expect(history.contains { $0["note"] == "主管道更换需要协调停水时间" })

        let watch = try ctl(daemon, .stranger, ["watch", "--no-reconnect"])
        #expect(watch.status == Exit.permission, "\(watch.stderr)")
        #expect(watch.stderr.contains("may not watch notices"))
    }

    @Test("list: a table for people, JSON for scripts; a unit sees its own tickets")
    func list() throws {
        let daemon = try startedDaemon()
        let water = try submitted(daemon, "l-1")
        _ = try ctl(daemon, .operator, ["submit", "--submission-id", "l-2", "--category", "power", "停电了"])
        let asWater = try ctl(daemon, .water, ["list"])
        #expect(asWater.status == 0)
        let lines = asWater.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("ID") == true && lines.count == 2, "\(asWater.stdout)")
        #expect(lines.last?.hasPrefix(Substring(water)) == true)
        let json = try ctl(daemon, .operator, ["--json", "list", "--status", "dispatched"])
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(json.stdout.utf8))
        #expect(decoded["tickets"]?.arrayValue?.count == 2)
        let stranger = try ctl(daemon, .stranger, ["list"])
        #expect(stranger.status == Exit.permission)
    }

    @Test("status and info answer anyone; an unreachable daemon is named with what to try")
    func statusAndUnreachable() throws {
        let daemon = try startedDaemon()
        _ = try submitted(daemon, "s-1")
        let status = try ctl(daemon, .stranger, ["status"])
        #expect(
            status.status == 0 && status.stdout.contains("1 open, 0 pending, 0 overdue, 0 callbacks due"),
            "\(status.stdout)"
        )
        #expect(!status.stdout.split(separator: "\n").contains { $0.hasSuffix(" ") })
        // One daemon alone on its database always runs the clock; the node is the host's name.
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? ""
        let backend = TestBackend.current.rawValue
        #expect(status.stdout.contains("node \(host), \(backend), SLA clock: leader"), "\(status.stdout)")
        let info = try ctl(daemon, nil, ["info"])
        #expect(info.stdout.contains("interfaces: org.varlink.service, org.hotline.Dispatch"))
        let gone = try ProcessResult.run(
            BuildProducts.hotlinectl,
            ["--socket", daemon.directory + "/nothing.sock", "status"]
        )
        #expect(gone.status == Exit.unreachable)
        #expect(
            gone.stderr.contains(daemon.directory + "/nothing.sock")
                && gone.stderr.contains("systemctl status hotlined.socket")
        )
    }

    @Test(
        "Mistakes are named: the unknown command, the differing field, the values allowed, the request text, the month"
    )
    func namedMistakes() throws {
        let daemon = try startedDaemon()
        let unknown = try ctl(daemon, .operator, ["frobnicate"])
        #expect(
            unknown.status == Exit.usage && unknown.stderr.contains("unknown command 'frobnicate'")
                && unknown.stderr.contains("submit"),
            "\(unknown.stderr)"
        )
        let first = try ctl(
            daemon,
            .operator,
            ["submit", "--submission-id", "k-1", "停水", "--name", "张三", "--district", "岳阳楼区"]
        )
        #expect(first.status == 0)
        for (options, field) in [
            (["--name", "李四", "--district", "岳阳楼区"], "--name"), (["--name", "张三", "--district", "君山区"], "--district"),
            (["--name", "张三", "--district", "岳阳楼区", "--title", "停水"], "--title"),
        ] {
            let again = try ctl(daemon, .operator, ["submit", "--submission-id", "k-1", "停水"] + options)
            #expect(
                again.status == Exit.conflict && again.stderr.contains("with a different \(field);"),
                "\(again.stderr)"
            )
        }
        let priority = try ctl(daemon, .operator, ["submit", "--submission-id", "k-2", "停水", "--priority", "high"])
        #expect(
            priority.status == Exit.usage && priority.stderr.contains("--priority; it takes normal or urgent"),
            "\(priority.stderr)"
        )
        let empty = try ctl(daemon, .operator, ["submit", "--submission-id", "k-3", ""])
        #expect(
            empty.status == Exit.usage && empty.stderr.contains("refused the value of the request text")
                && !empty.stderr.contains("--content"),
            "\(empty.stderr)"
        )
        let month = try ctl(daemon, .supervisor, ["stats", "--month", "2026-13"])
        #expect(
            month.status == Exit.usage && month.stderr.contains("2026-13 is not a month")
                && month.stderr.contains("Usage: hotlinectl stats"),
            "\(month.stderr)"
        )
        // Without --month: this month in the centre's zone.
        let now = try ctl(daemon, .supervisor, ["--json", "stats"])
        #expect(now.status == 0 && now.stdout.contains("\"total\""), "\(now.stderr)")
        let unwritable = try ctl(
            daemon,
            .supervisor,
            ["report", "--month", "2026-10", "--output", daemon.directory + "/missing/dir/r.html"]
        )
        #expect(unwritable.status == 73, "\(unwritable.stderr)")
    }

    @Test("stats for supervisors (a unit gets its own row); the HTML report's numbers equal Stats")
    func statsAndReport() throws {
        let daemon = try startedDaemon()
        try daemon.call("org.hotline.Testing.SetTime", ["now": "2026-10-12T09:00:00+08:00"]).expectSuccess()
        for n in 0..<3 { _ = try submitted(daemon, "r-\(n)") }
        _ = try ctl(daemon, .operator, ["submit", "--submission-id", "r-p", "--category", "power", "停电了"])
        let supervisor = try ctl(daemon, .supervisor, ["stats", "--month", "2026-10"])
        #expect(supervisor.status == 0)
        #expect(supervisor.stdout.contains("water 市水务集团") && supervisor.stdout.contains("power 国网岳阳供电公司"))
        // The ranking ends with the total; the centre's own figures follow it.
        let lines = supervisor.stdout.split(separator: "\n")
        #expect(lines.dropLast().last?.contains("total") == true)
        #expect(lines.last?.hasPrefix("centre: 0 of 4 answered directly (0.0%)") == true, "\(supervisor.stdout)")
        let unit = try ctl(daemon, .water, ["stats", "--month", "2026-10"])
        #expect(unit.status == 0 && !unit.stdout.contains("power"), "\(unit.stdout)")
        #expect(!unit.stdout.contains("centre:"))
        #expect(try ctl(daemon, .stranger, ["stats", "--month", "2026-10"]).status == Exit.permission)
        #expect(try ctl(daemon, .supervisor, ["stats", "--month", "October"]).status == Exit.usage)

        let folder = daemon.directory + "/out"
        try FileManager.default.createDirectory(
            atPath: folder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o777]
        )
        let output = folder + "/report.html"
        let report = try ctl(
            daemon,
            .supervisor,
            ["report", "--month", "2026-10", "--format", "html", "--output", output]
        )
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: output, encoding: .utf8)
        let stats = try daemon.call(
            "org.hotline.Dispatch.Stats",
            ["from": "2026-10-01T00:00:00+08:00", "to": "2026-11-01T00:00:00+08:00"]
        )
        let read = try ReportFigures.read(html)
        for row in (stats.parameters["units"]?.arrayValue ?? []) + [stats.parameters["total"] ?? .null] {
            let unit = try #require(row["unit"]?.stringValue)
            for field in ["dispatched", "claimedOnTime", "responseRate", "replied", "badRatings", "overdue", "score"] {
                let shown = read.figures[unit]?[field].flatMap { $0.isEmpty ? nil : Double($0) }
                let expected: Double? =
                    switch row[field] {
                    case .int(let i)?: Double(i)
                    case .double(let d)?: d
                    default: nil
                    }
                #expect(shown == expected, "\(unit).\(field)")
            }
        }
        let csv = try ctl(daemon, .supervisor, ["report", "--month", "2026-10", "--format", "csv"])
        #expect(csv.stdout.hasPrefix("rank,unit,name,dispatched,"))
        #expect(csv.stdout.contains(",water,市水务集团,3,"), "\(csv.stdout)")
    }

    @Test("watch prints notices as they come and survives a daemon restart")
    func watchAcrossRestart() throws {
        let daemon = try startedDaemon()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuildProducts.hotlinectl)
        process.arguments = ["--socket", daemon.socket, "--config", daemon.configPath, "watch"]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        usleep(300_000)
        let first = try submitted(daemon, "w-1")
        let reader = LineReader(out.fileHandleForReading)
        let line = try #require(reader.next(timeout: 5), "no notice before the restart")
        #expect(line.contains("dispatched  \(first)  water 市水务集团"), "\(line)")

        daemon.stop()
        try daemon.start()
        // The watcher retries with backoff (0.5 s, 1 s, …); give it time to come back.
        var afterRestart: [String] = []
        var seen: String?
        for attempt in 0..<20 where seen == nil {
            afterRestart.append(try submitted(daemon, "w-after-\(attempt)"))
            seen = reader.next(timeout: 1)
        }
        let after = try #require(seen, "watch did not come back after the restart")
        #expect(after.contains("dispatched"), "\(after)")
        #expect(afterRestart.contains { after.contains($0) }, "\(after) is none of \(afterRestart)")
        let messages = LineReader(err.fileHandleForReading).next(timeout: 1) ?? ""
        #expect(messages.contains("lost the daemon") || messages.contains("retrying"), "\(messages)")
    }
}

extension VarlinkReply {
    func expectSuccess() throws {
        if let error { throw TestDaemonError.clientFailed("\(error) \(parameters)") }
    }
}

/// Reads lines from a pipe with a timeout.
final class LineReader {
    private let handle: FileHandle
    private var pending = Data()

    init(_ handle: FileHandle) { self.handle = handle }

    func next(timeout: Double) -> String? {
        let end = Date().addingTimeInterval(timeout)
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let remaining = end.timeIntervalSinceNow
            guard remaining > 0 else { return nil }
            var poller = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(remaining * 1000)) > 0 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = read(handle.fileDescriptor, &buffer, buffer.count)
            guard n > 0 else { return nil }
            pending.append(contentsOf: buffer[..<n])
        }
    }
}
