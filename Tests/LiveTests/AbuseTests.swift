import Foundation
import HotlineTesting
import Synchronization
import Testing
import Varlink

#if canImport(Glibc)
import Glibc
#endif

@Suite("Abuse: garbage, floods, slow clients and connection limits", .serialized)
struct AbuseTests {
    @Test("500 connections of garbage, oversize frames and half messages; a good client keeps getting answers")
    func garbageFlood() throws {
        let daemon = try startedDaemon()
        let id = try submit(daemon, "before-the-flood")
        let oversize = Array(repeating: UInt8(ascii: "x"), count: 1_100_000)
        let kinds: [[UInt8]] = [
            Array("{not json".utf8) + [0],
            [0xFF, 0xFE, 0x7B, 0x7D, 0],
            oversize,
            Array(#"{"method":"org.hotline.Dispatch.Submit","parameters":{"content":"#.utf8),
            Array(#"[1,2,3]"#.utf8) + [0],
        ]
        let flooding = Mutex(true)
        let goodAnswers = Mutex<[Double]>([])
        let good = Thread {
            guard let connection = try? daemon.connect() else { return }
            while flooding.withLock({ $0 }) {
                let start = Date()
                guard let reply = try? connection.call("org.hotline.Dispatch.Get", ["id": .string(id)]),
                    reply.error == nil
                else {
                    goodAnswers.withLock { $0.append(.infinity) }
                    return
                }
                goodAnswers.withLock { $0.append(Date().timeIntervalSince(start)) }
                usleep(10_000)
            }
        }
        good.start()

        var clients: [VarlinkConnection] = []
        for n in 0..<500 {
            let client = try daemon.connect()
            try? client.send(raw: kinds[n % kinds.count])  // the daemon may close before it has all
            clients.append(client)
        }
        // Complete garbage is answered and closed by the daemon; half messages are dropped when
        // the client hangs up.
        for (n, client) in clients.enumerated() where n % kinds.count != 3 {
            #expect(
                client.waitForClose(timeoutMilliseconds: 5000),
                "connection \(n) (kind \(n % kinds.count)) left open"
            )
        }
        clients.removeAll()  // hang up
        flooding.withLock { $0 = false }
        usleep(50_000)

        let answers = goodAnswers.withLock { $0 }
        #expect(answers.count > 10)
        #expect(answers.allSatisfy { $0 < 1 }, "slowest answer to the good client: \(answers.max() ?? 0) s")
        let after = try daemon.call("org.hotline.Dispatch.Get", ["id": .string(id)])
        #expect(after.parameters["ticket"]?["submissionId"] == "before-the-flood")
        #expect(try daemon.call("org.hotline.Dispatch.Status").parameters["open"] == 1)
        #expect(daemon.isRunning)
    }

    @Test("A client trickling one byte at a time is closed after message_timeout; others are served meanwhile")
    func slowloris() throws {
        let daemon = try startedDaemon(
            config: TestDaemon.standardConfig.replacingOccurrences(
                of: "socket_mode = \"0666\"",
                with: "socket_mode = \"0666\"\nmessage_timeout = 2"
            )
        )
        let slow = try daemon.connect()
        let message = Array(#"{"method":"org.hotline.Dispatch.Status"}"#.utf8) + [0]
        let start = Date()
        var closedAfter: Double?
        for byte in message {
            try? slow.send(raw: [byte])  // the daemon may have closed already
            #expect(try daemon.call("org.hotline.Dispatch.Status").error == nil)
            if slow.waitForClose(timeoutMilliseconds: 400) {
                closedAfter = Date().timeIntervalSince(start)
                break
            }
        }
        let seconds = try #require(closedAfter, "the trickling client was never closed")
        #expect(seconds >= 1.9 && seconds < 4, "closed after \(seconds) s")
        #expect(daemon.log.contains("a message did not arrive in time"))

        // A client that takes its time between messages (but not within one) is not closed.
        let patient = try daemon.connect()
        #expect(try patient.call("org.hotline.Dispatch.Status").error == nil)
        sleep(3)
        #expect(try patient.call("org.hotline.Dispatch.Status").error == nil)
    }

    @Test(
        "Connections over max_connections_per_uid and max_connections are closed at once; root is not limited per uid",
        .enabled(if: isRoot)
    )
    func connectionLimits() throws {
        let daemon = try startedDaemon(
            config: TestDaemon.standardConfig.replacingOccurrences(
                of: "socket_mode = \"0666\"",
                with: "socket_mode = \"0666\"\nmax_connections_per_uid = 3\nmax_connections = 8"
            )
        )
        // Five connections from one operator: the first three are answered, the rest closed.
        let script = """
            import socket, json
            answered = []
            held = []
            for i in range(5):
                s = socket.socket(socket.AF_UNIX)
                s.connect("\(daemon.socket)")
                held.append(s)
                s.settimeout(3)
                try:
                    s.sendall(json.dumps({"method": "org.hotline.Dispatch.Status"}).encode() + b"\\0")
                    answered.append(b"version" in s.recv(4096))
                except OSError:
                    answered.append(False)
            print(json.dumps(answered))
            """
        let asOperator = Identity.operator.setpriv(["/usr/bin/python3", "-c", script])
        let result = try ProcessResult.run(asOperator.executable, asOperator.arguments)
        #expect(
            result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[true, true, true, false, false]",
            "\(result.stdout) \(result.stderr)"
        )
        #expect(daemon.log.contains("connection refused: over the connection limit"))

        // Root is not limited per uid, but everyone is by the total.
        usleep(200_000)  // the operator's connections are released as the daemon sees them close
        var held: [VarlinkConnection] = []
        for _ in 0..<8 {
            let connection = try daemon.connect()
            #expect(try connection.call("org.hotline.Dispatch.Status").error == nil)
            held.append(connection)
        }
        let ninth = try daemon.connect()
        #expect(throws: (any Error).self) { try ninth.call("org.hotline.Dispatch.Status") }
        held.removeAll()
        usleep(200_000)
        // The slots come back when the connections close.
        #expect(try daemon.call("org.hotline.Dispatch.Status").error == nil)
    }
}

@Suite("The fuzz corpus")
struct FuzzCorpusTests {
    @Test("Every input of the seed corpus (and every crash the fuzzer found) goes through the decoders without a crash")
    func replay() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FuzzCorpus").path
        let inputs = try FileManager.default.contentsOfDirectory(atPath: corpus).count
        let result = try ProcessResult.run(BuildProducts.directory + "/hotline-fuzz", [corpus])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "replayed \(inputs) inputs\n")
        #expect(inputs >= 10)
    }
}
