import Foundation
import HotlineTesting
import Synchronization
import Testing
import Varlink
#if canImport(Glibc)
import Glibc
#endif

/// A raw client socket that sends whatever it is given.
struct RawClient {
    let fd: Int32

    init(_ path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    /// Writes what it can (the daemon may close first); never blocks on a full socket for long.
    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, min(65_536, bytes.count - offset), Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Whether the daemon has closed the connection (read returns EOF or an error) within `seconds`.
    func closedByPeer(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { return true }
        }
        return false
    }

    func hangUp() { close(fd) }
}

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
                      reply.error == nil else { goodAnswers.withLock { $0.append(.infinity) }; return }
                goodAnswers.withLock { $0.append(Date().timeIntervalSince(start)) }
                usleep(10_000)
            }
        }
        good.start()

        var clients: [RawClient] = []
        for n in 0..<500 {
            let client = try RawClient(daemon.socket)
            client.send(kinds[n % kinds.count])
            clients.append(client)
        }
        // Complete garbage is answered and closed by the daemon; half messages are dropped when
        // the client hangs up.
        for (n, client) in clients.enumerated() where n % kinds.count != 3 {
            #expect(client.closedByPeer(within: 5), "connection \(n) (kind \(n % kinds.count)) left open")
        }
        for client in clients { client.hangUp() }
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
        let daemon = try startedDaemon(config: TestDaemon.standardConfig.replacingOccurrences(
            of: "socket_mode = \"0666\"", with: "socket_mode = \"0666\"\nmessage_timeout = 2"))
        let slow = try RawClient(daemon.socket)
        let message = Array(#"{"method":"org.hotline.Dispatch.Status"}"#.utf8) + [0]
        let start = Date()
        var closedAfter: Double?
        for byte in message {
            slow.send([byte])
            #expect(try daemon.call("org.hotline.Dispatch.Status").error == nil)
            if slow.closedByPeer(within: 0.4) {
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

    @Test("Connections over max_connections_per_uid and max_connections are closed at once; root is not limited per uid",
          .enabled(if: isRoot))
    func connectionLimits() throws {
        let daemon = try startedDaemon(config: TestDaemon.standardConfig.replacingOccurrences(
            of: "socket_mode = \"0666\"", with: "socket_mode = \"0666\"\nmax_connections_per_uid = 3\nmax_connections = 8"))
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
        let result = try ProcessResult.run("/usr/bin/setpriv",
            ["--reuid=1001", "--regid=1001", "--clear-groups", "/usr/bin/python3", "-c", script])
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[true, true, true, false, false]",
                "\(result.stdout) \(result.stderr)")
        #expect(daemon.log.contains("connection refused: over the connection limit"))

        // Root is not limited per uid, but everyone is by the total.
        usleep(200_000)   // the operator's connections are released as the daemon sees them close
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
