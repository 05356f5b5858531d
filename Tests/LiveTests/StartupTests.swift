import Foundation
import HotlineTesting
import Synchronization
import Testing
import Varlink

#if canImport(Glibc)
import Glibc
#endif

@Suite("Start-up, the socket file and durability", .serialized)
struct StartupTests {
    @Test("The socket gets the configured mode")
    func socketMode() throws {
        let daemon = try startedDaemon()
        var info = stat()
        #expect(stat(daemon.socket, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o666)
    }

    @Test("A second daemon on a live socket refuses to start; a stale socket file is replaced")
    func socketHygiene() throws {
        let daemon = try startedDaemon()
        let second = try TestDaemon()
        let result = try ProcessResult.run(
            BuildProducts.hotlined,
            ["--config", second.configPath, "--socket", daemon.socket, "--database", second.database]
        )
        #expect(result.status != 0)
        #expect(result.stderr.contains("already listening"))
        #expect(try daemon.call("org.hotline.Dispatch.Status").error == nil)

        daemon.stop(signal: SIGKILL)  // leaves the socket file behind
        #expect(FileManager.default.fileExists(atPath: daemon.socket))
        try daemon.start()
        #expect(try daemon.call("org.hotline.Dispatch.Status").error == nil)
    }

    @Test(
        "A PostgreSQL URL is never taken for a file name: a bad one is named; a server that is not there is named and the daemon exits for systemd to try again"
    )
    func postgresURL() throws {
        let daemon = try TestDaemon(
            config:
                "[daemon]\ndatabase = \"postgresql://hotline@/hotline?host=/nonexistent/postgresql&connect_timeout=2\"\n"
        )
        let started = Date()
        let unreachable = try ProcessResult.run(
            BuildProducts.hotlined,
            ["--config", daemon.configPath, "--socket", daemon.socket]
        )
        #expect(
            unreachable.status == 69 && unreachable.stderr.contains("/nonexistent/postgresql/.s.PGSQL.5432"),
            "\(unreachable.stderr)"
        )
        #expect(Date().timeIntervalSince(started) < 15, "the attempt is bounded by connect_timeout")
        let bad = try ProcessResult.run(
            BuildProducts.hotlined,
            [
                "--config", daemon.configPath, "--socket", daemon.socket, "--database",
                "postgresql://hotline:pw@db/hotline",
            ]
        )
        #expect(bad.status == 78 && bad.stderr.contains("password"), "\(bad.stderr)")
        let folder = try FileManager.default.contentsOfDirectory(atPath: daemon.directory)
        #expect(!folder.contains { $0.hasPrefix("postgres") } && !FileManager.default.fileExists(atPath: daemon.socket))
    }

    @Test("A bad configuration stops the daemon with the file, line and key")
    func badConfig() throws {
        let daemon = try TestDaemon(config: "[sla]\nresolve = \"10 workdays\"\n")
        let result = try ProcessResult.run(
            BuildProducts.hotlined,
            ["--config", daemon.configPath, "--socket", daemon.socket, "--database", daemon.database]
        )
        #expect(result.status == 78)
        #expect(result.stderr.contains("\(daemon.configPath):2: sla.resolve"))
        #expect(!FileManager.default.fileExists(atPath: daemon.socket))
    }

    @Test("Without --manual-clock the testing interface does not exist")
    func noTestingInterface() throws {
        let daemon = try TestDaemon()
        try daemon.start(extraArguments: [])
        let reply = try daemon.call("org.hotline.Testing.SetTime", ["now": "2026-10-01T00:00:00+08:00"])
        #expect(reply.error == "org.varlink.service.InterfaceNotFound")
        let info = try daemon.call("org.varlink.service.GetInfo")
        #expect(
            info.parameters["interfaces"] == ["org.varlink.service", "org.hotline.Dispatch", "org.hotline.Knowledge"]
        )
    }

    @Test("An acknowledged submission survives kill -9")
    func killNine() throws {
        let daemon = try startedDaemon()
        var ids: [String] = []
        for i in 0..<50 { ids.append(try submit(daemon, "k-\(i)")) }
        daemon.stop(signal: SIGKILL)
        try daemon.start()
        for (i, id) in ids.enumerated() {
            let reply = try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)])
            #expect(reply.parameters["ticket"]?["submissionId"] == .string("k-\(i)"))
            #expect(reply.parameters["events"]?.arrayValue?.count == 2)
        }
        let again = try daemon.call(
            "org.hotline.Dispatch.Submit",
            [
                "channel": "hotline", "submissionId": "k-7", "content": "小区停水三天了",
                "citizen": ["name": "张三丰", "phone": "13812345678"],
            ]
        )
        #expect(again.parameters["created"] == false && again.parameters["ticket"]?["id"] == .string(ids[7]))
    }

    @Test("SIGTERM stops the daemon cleanly and removes the socket")
    func gracefulStop() throws {
        let daemon = try startedDaemon()
        let idle = try daemon.connect()  // an idle client must not hold the shutdown up
        _ = idle
        #expect(daemon.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socket))
    }

    @Test("SIGTERM while clients keep connecting: the daemon still exits cleanly, every time")
    func stopWhileConnecting() throws {
        for round in 0..<6 {
            let daemon = try startedDaemon()
            let socket = daemon.socket
            let connecting = Mutex(true)
            let done = DispatchSemaphore(value: 0)
            // Connections that arrive while shutdown begins: some are accepted but never served.
            // At most 16 are held open at a time: the test process's file descriptors stay few
            // (Foundation's Process misbehaves in a process with descriptors past 1024).
            Thread {
                var held: [VarlinkConnection] = []
                while connecting.withLock({ $0 }) {
                    if let connection = try? VarlinkConnection(path: socket) { held.append(connection) }
                    if held.count > 16 { held.removeFirst() }
                }
                held.removeAll()
                done.signal()
            }.start()
            usleep(UInt32(50_000 + round * 20_000))
            #expect(daemon.stop() == 0, "round \(round)")
            connecting.withLock { $0 = false }
            done.wait()
        }
    }

    @Test("Socket activation: systemd-socket-activate starts the daemon on the first connection")
    func socketActivation() throws {
        let daemon = try TestDaemon()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-socket-activate")
        process.arguments = [
            "-l", daemon.socket, "--fdname=varlink", BuildProducts.hotlined,
            "--config", daemon.configPath, "--database", daemon.database, "--socket", daemon.directory + "/unused.sock",
        ]
        let log = Pipe()
        process.standardError = log
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var reply: VarlinkReply?
        for _ in 0..<100 where reply == nil {
            reply = try? VarlinkConnection(path: daemon.socket).call("org.hotline.Dispatch.Status")
            if reply == nil { usleep(50_000) }
        }
        #expect(reply?.parameters["version"] != nil)
        #expect(!FileManager.default.fileExists(atPath: daemon.directory + "/unused.sock"))
    }
}
