import Foundation
import Synchronization
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// `hotlinectl watch --json` running under another identity (or as root), collecting the
/// notices it prints.
public final class NoticeWatcher {
    /// Lines read so far, shared with the reading thread.
    private final class Lines: Sendable {
        let value = Mutex<[String]>([])
    }

    private let process: Process
    private let received = Lines()

    /// Starts a watcher on `daemon` as `identity` (root when nil).
    public init(_ daemon: TestDaemon, as identity: Identity?) throws {
        let process = Process()
        let command = [BuildProducts.hotlinectl, "--socket", daemon.socket, "watch", "--json"]
        let (executable, arguments) = identity?.setpriv(command) ?? (command[0], Array(command.dropFirst()))
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let handle = pipe.fileHandleForReading
        let lines = received
        let reader = Thread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    lines.value.withLock { $0.append(line) }
                }
            }
        }
        reader.start()
        // Give the daemon a moment to register the watch before the test acts.
        usleep(300_000)
    }

    deinit {
        // SIGKILL: a child spawned from a test thread inherits that thread's blocked signals.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The notices printed so far, as JSON values.
    public var notices: [JSONValue] {
        received.value.withLock { $0 }.compactMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
    }

    /// Waits (at most `timeout` seconds) until at least `count` notices arrived; returns them all.
    @discardableResult
    public func wait(for count: Int, timeout: Double = 5) -> [JSONValue] {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            let current = notices
            if current.count >= count { return current }
            usleep(20_000)
        }
        return notices
    }

    /// Waits briefly to let stray notices arrive, then returns all notices.
    public func settle(_ seconds: Double = 0.3) -> [JSONValue] {
        usleep(UInt32(seconds * 1_000_000))
        return notices
    }

    /// Forgets the notices seen so far.
    public func clear() {
        received.value.withLock { $0.removeAll() }
    }
}
