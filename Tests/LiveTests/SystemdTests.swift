import Foundation
import HotlineTesting
import Testing
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// The repository's top folder.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

@Suite(
    "systemd: journal, notify, reload, units",
    .serialized,
    .enabled(if: isRoot, "needs root (mount namespaces, setpriv)")
)
struct SystemdTests {
    @Test("The journal gets one structured entry per event, with priorities and message ids, and no citizen data")
    func journal() throws {
        let daemon = try TestDaemon()
        let journalDir = daemon.directory + "/journal"
        try FileManager.default.createDirectory(atPath: journalDir, withIntermediateDirectories: true)
        let run = try ProcessResult.run(
            "/usr/bin/unshare",
            [
                "-m", "--propagation", "private", repository + "/scripts/testing/with-journald", journalDir,
                repository + "/scripts/testing/journal-scenario", BuildProducts.hotlined, BuildProducts.hotlinectl,
                daemon.directory,
            ]
        )
        #expect(run.status == 0, "\(run.stderr)")
        let id = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.hasPrefix("20260921-"))

        let dump = try ProcessResult.run("/usr/bin/journalctl", ["-D", journalDir, "-o", "json", "--no-pager"])
        let entries = dump.stdout.split(separator: "\n").compactMap {
            try? JSONDecoder().decode([String: JSONValue].self, from: Data($0.utf8))
        }.filter { $0["SYSLOG_IDENTIFIER"] == "hotlined" }
        #expect(entries.count > 5, "\(dump.stderr)")

        func entry(_ event: String, ticket: String = id) -> [String: JSONValue]? {
            entries.first { $0["HOTLINE_TICKET"]?.stringValue == ticket && $0["HOTLINE_EVENT"]?.stringValue == event }
        }
        let dispatched = try #require(entry("dispatched"))
        #expect(
            dispatched["PRIORITY"] == "6" && dispatched["HOTLINE_UNIT"] == "water"
                && dispatched["HOTLINE_CHANNEL"] == "hotline"
        )
        #expect(
            dispatched["HOTLINE_ACTOR_UID"] == "0" && dispatched["CODE_FILE"] != nil && dispatched["CODE_LINE"] != nil
                && dispatched["CODE_FUNC"] != nil
        )
        let dueSoon = try #require(entry("due_soon"))
        #expect(dueSoon["PRIORITY"] == "4" && dueSoon["MESSAGE_ID"] == "0a6911d3eadd4e139b4a3afcaf15c06e")
        let overdue = try #require(entry("overdue"))
        #expect(overdue["PRIORITY"] == "3" && overdue["MESSAGE_ID"] == "a6eac2ef161a46cfa271202243da374a")
        let bad = try #require(entry("rated"))
        #expect(bad["PRIORITY"] == "4" && bad["MESSAGE_ID"] == "c84c86804d714aeebe1d059d32894374")
        let claimed = try #require(entry("claimed"))
        #expect(claimed["HOTLINE_ACTOR_UID"] == "2001")
        let queued = try #require(entries.first { $0["HOTLINE_EVENT"] == "queued" })
        #expect(queued["PRIORITY"] == "5" && queued["MESSAGE_ID"] == "eb1394e9ed1745928ef43ca5375f9883")
        #expect(entries.contains { $0["MESSAGE_ID"] == "6c7b051625f24ec7bf4f03829abba0fc" })  // started
        #expect(entries.contains { $0["MESSAGE_ID"] == "1ca0fd123eb64aa28c1061c3be996fea" })  // stopped

        // Never the citizen's name or phone, the ticket's text, or a comment.
        for secret in ["13812345678", "13999999999", "张三丰", "秘密内容", "公交线路", "根本没来", "已处理"] {
            #expect(!dump.stdout.contains(secret), "the journal holds \(secret)")
        }
    }

    /// Starts `daemon`'s hotlined as systemd would with `NOTIFY_SOCKET` on `listener` and the
    /// watchdog at `watchdogUsec` (`WATCHDOG_PID` its own pid), logging nowhere.
    static func launch(_ daemon: TestDaemon, notifying listener: NotifyListener, watchdogUsec: Int) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c", "WATCHDOG_PID=$$ exec \"$0\" \"$@\"", BuildProducts.hotlined,
            "--config", daemon.configPath, "--socket", daemon.socket, "--database", daemon.database,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = listener.path
        environment["WATCHDOG_USEC"] = "\(watchdogUsec)"
        environment.removeValue(forKey: "JOURNAL_STREAM")
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test(
        "sd_notify: EXTEND_TIMEOUT while opening, READY with STATUS, WATCHDOG, RELOADING/READY on SIGHUP, STOPPING on SIGTERM, in order"
    )
    func notify() throws {
        let daemon = try TestDaemon()
        let listener = try NotifyListener(path: daemon.directory + "/notify.sock")
        let process = try Self.launch(daemon, notifying: listener, watchdogUsec: 1_000_000)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        #expect(listener.wait(for: "READY=1"))
        let ready = try #require(listener.index(of: "READY=1"))
        #expect(listener.messages[ready].contains("STATUS=0 open, 0 pending, 0 overdue, 0 callbacks due"))
        // Before that, while the database opens (and migrates), more time to start.
        let opening = try #require(listener.index(of: "EXTEND_TIMEOUT_USEC=30000000"))
        #expect(opening < ready && listener.messages[opening].contains("STATUS=opening the database"))
        #expect(listener.wait(for: "WATCHDOG=1", timeout: 3))
        _ = try daemon.call(
            "org.hotline.Dispatch.Submit",
            ["channel": "web", "submissionId": "n-1", "content": "路灯不亮"]
        )
        // On a database that several daemons may share, the line says whether this one runs
        // the SLA clock (alone, it does).
        let clock = TestBackend.current == .postgresql ? "; SLA clock: leader" : ""
        #expect(listener.wait(for: "STATUS=1 open, 1 pending, 0 overdue, 0 callbacks due" + clock, timeout: 8))

        kill(process.processIdentifier, SIGHUP)
        #expect(listener.wait(for: "RELOADING=1"))
        let reloading = try #require(listener.index(of: "RELOADING=1"))
        #expect(listener.wait(for: "READY=1", after: reloading, timeout: 5))

        kill(process.processIdentifier, SIGTERM)
        #expect(listener.wait(for: "STOPPING=1"))
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let stopping = try #require(listener.index(of: "STOPPING=1"))
        #expect(ready < reloading && reloading < stopping)
    }

    @Test(
        "A notify socket that nobody reads (its queue full after 10 datagrams) does not stop the daemon answering, nor stopping",
        .timeLimit(.minutes(2))
    )
    func blockedNotifySocket() throws {
        let daemon = try TestDaemon()
        // Bound, never read: sd_notify blocks once the queue (net.unix.max_dgram_qlen) is full.
        let listener = try NotifyListener(path: daemon.directory + "/notify.sock")
        // A status line and a watchdog ping every 0.1 s: the queue is full within a second.
        let process = try Self.launch(daemon, notifying: listener, watchdogUsec: 200_000)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        try daemon.waitUntilAnswering()
        sleep(2)
        for n in 0..<20 {
            let start = ContinuousClock.now
            let connection = try daemon.connect()
            #expect((try connection.call("org.varlink.service.GetInfo")).error == nil)
            #expect((try connection.call("org.hotline.Dispatch.Status")).error == nil)
            let submitted = try connection.call(
                "org.hotline.Dispatch.Submit",
                ["channel": "web", "submissionId": .string("blocked-\(n)"), "content": "路灯不亮"]
            )
            #expect(submitted.error == nil)
            #expect(ContinuousClock.now - start < .seconds(5), "call \(n) took \(ContinuousClock.now - start)")
            usleep(100_000)
        }
        let stopping = ContinuousClock.now
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(ContinuousClock.now - stopping < .seconds(15))
        _ = listener
    }

    @Test("SIGHUP applies a good file at once and keeps the old one for a bad file; connections stay open")
    func reload() throws {
        let daemon = try startedDaemon()
        let connection = try daemon.connect()
        let id = try submit(daemon, "r-1", content: "路灯不亮")
        let before = try connection.call("org.hotline.Dispatch.Dispatch", ["id": .string(id), "unit": "lighting"])
        #expect(before.error == "org.hotline.Dispatch.NoSuchUnit")

        try (TestDaemon.standardConfig + "\n[[unit]]\nid = \"lighting\"\nname = \"市路灯管理处\"\n")
            .write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        try daemon.reload()
        let after = try connection.call("org.hotline.Dispatch.Dispatch", ["id": .string(id), "unit": "lighting"])
        #expect(after.error == nil && after.parameters["ticket"]?["unit"] == "lighting")

        try "[sla]\nclaim = \"soon\"\n".write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        try daemon.reload(expecting: "reload rejected")
        #expect(daemon.log.contains("\(daemon.configPath):2: sla.claim"))
        let still = try connection.call("org.hotline.Dispatch.Get", ["id": .string(id)])
        #expect(still.parameters["ticket"]?["unit"] == "lighting")
        let other = try submit(daemon, "r-2", content: "路灯不亮")
        #expect(
            try connection.call("org.hotline.Dispatch.Dispatch", ["id": .string(other), "unit": "lighting"]).error
                == nil
        )
    }

    /// `--threshold` counts in tenths: 10 is an exposure of 1.0 (the unit scores 0.5).
    @Test("The unit files verify cleanly and score as hardened")
    func units() throws {
        let scratch = try TestDaemon()
        let directory = scratch.directory
        // verify needs ExecStart's binary to exist: point it at the build.
        for name in ["hotlined.service", "hotlined.socket"] {
            let text = try String(contentsOfFile: repository + "/systemd/" + name, encoding: .utf8)
                .replacingOccurrences(of: "/usr/bin/hotlined", with: BuildProducts.hotlined)
            try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        let verify = try ProcessResult.run(
            "/usr/bin/systemd-analyze",
            [
                "verify", "--man=no", directory + "/hotlined.service", directory + "/hotlined.socket",
            ]
        )
        #expect(verify.status == 0)
        #expect(verify.stderr.isEmpty, "\(verify.stderr)")
        let security = try ProcessResult.run(
            "/usr/bin/systemd-analyze",
            [
                "security", "--offline=true", "--threshold=10", "--no-pager", repository + "/systemd/hotlined.service",
            ]
        )
        #expect(security.status == 0, "\(security.stdout.suffix(400))")

        // The PostgreSQL drop-in, every line of it in force (the TCP lines uncommented),
        // merged into the unit: still valid, still hardened.
        let dropIn = try String(
            contentsOfFile: repository + "/systemd/hotlined.service.d/postgresql.conf",
            encoding: .utf8
        )
        .split(separator: "\n", omittingEmptySubsequences: false)
        .map { line in
            let setting = line.dropFirst()
            let commented = line.hasPrefix("#") && setting.first?.isUppercase == true
            return commented && setting.split(separator: "=").first?.contains(" ") == false
                ? String(setting) : String(line)
        }
        #expect(dropIn.contains("After=postgresql.service") && dropIn.contains("PrivateNetwork=no"))
        #expect(dropIn.contains("IPAddressAllow=192.0.2.10 192.0.2.11"))
        let service = try String(contentsOfFile: directory + "/hotlined.service", encoding: .utf8)
        let unit =
            (service.components(separatedBy: "[Install]").first ?? service) + "\n" + dropIn.joined(separator: "\n")
        let mergedDirectory = directory + "/merged"
        try FileManager.default.createDirectory(atPath: mergedDirectory, withIntermediateDirectories: true)
        try unit.write(toFile: mergedDirectory + "/hotlined.service", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(
            atPath: directory + "/hotlined.socket",
            toPath: mergedDirectory + "/hotlined.socket"
        )
        let merged = try ProcessResult.run(
            "/usr/bin/systemd-analyze",
            ["verify", "--man=no", mergedDirectory + "/hotlined.service", mergedDirectory + "/hotlined.socket"]
        )
        #expect(merged.status == 0 && !merged.stderr.contains("Unknown"), "\(merged.stderr)")
        let mergedSecurity = try ProcessResult.run(
            "/usr/bin/systemd-analyze",
            ["security", "--offline=true", "--threshold=20", "--no-pager", mergedDirectory + "/hotlined.service"]
        )
        #expect(mergedSecurity.status == 0, "\(mergedSecurity.stdout.suffix(400))")
    }
}
