import Foundation

extension SystemdNotifier {
    /// Runs `body` (work before readiness whose length grows with the data, such as schema
    /// migrations) while telling systemd, every `interval`, to wait `extra` more
    /// (`EXTEND_TIMEOUT_USEC`) and showing `status`: the start is not killed by
    /// `TimeoutStartSec=` while `body` runs, however long. `body` must bound its own waits
    /// (the store's busy timeout does for a locked database); a process that stops running
    /// altogether stops extending, and `extra` later systemd gives up on it.
    public func extendingStartTimeout<T>(
        status: String,
        every interval: Duration = .seconds(5),
        by extra: Duration = .seconds(30),
        _ body: () throws -> T
    ) rethrows -> T {
        let usec = extra.components.seconds * 1_000_000 + extra.components.attoseconds / 1_000_000_000_000
        let message = "EXTEND_TIMEOUT_USEC=\(usec)\nSTATUS=\(status)"
        send(message)
        let done = DispatchSemaphore(value: 0)
        let stopped = DispatchSemaphore(value: 0)
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        let thread = Thread { [self] in
            while done.wait(timeout: .now() + seconds) == .timedOut { send(message) }
            stopped.signal()
        }
        thread.start()
        defer {
            done.signal()
            stopped.wait()
        }
        return try body()
    }

    /// ``extendingStartTimeout(status:every:by:_:)`` for asynchronous work (connecting to a
    /// database server, migrating it), the extensions sent by a task of their own.
    public func extendingStartTimeout<T: Sendable>(
        status: String,
        every interval: Duration = .seconds(5),
        by extra: Duration = .seconds(30),
        _ body: () async throws -> T
    ) async throws -> T {
        let usec = extra.components.seconds * 1_000_000 + extra.components.attoseconds / 1_000_000_000_000
        let message = "EXTEND_TIMEOUT_USEC=\(usec)\nSTATUS=\(status)"
        send(message)
        let extender = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if !Task.isCancelled { send(message) }
            }
        }
        defer { extender.cancel() }
        return try await body()
    }
}
