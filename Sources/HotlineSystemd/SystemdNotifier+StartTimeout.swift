import Foundation
import Synchronization

extension SystemdNotifier {
    /// Runs `body` (work before readiness whose length grows with the data, such as schema
    /// migrations) while telling systemd, every `interval`, to wait `extra` more
    /// (`EXTEND_TIMEOUT_USEC`) and showing `status`: a start that is making progress is
    /// never killed by `TimeoutStartSec=`, and one that hangs still is, `extra` after its
    /// last sign of life.
    public func extendingStartTimeout<T>(
        status: String,
        every interval: Duration = .seconds(5),
        by extra: Duration = .seconds(30),
        _ body: () throws -> T
    ) rethrows -> T {
        let usec = extra.components.seconds * 1_000_000 + extra.components.attoseconds / 1_000_000_000_000
        let message = "EXTEND_TIMEOUT_USEC=\(usec)\nSTATUS=\(status)"
        send(message)
        let done = Atomic<Bool>(false)
        let stopped = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            defer { stopped.signal() }
            let step = 0.05
            var waited = 0.0
            let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
            while !done.load(ordering: .acquiring) {
                Thread.sleep(forTimeInterval: step)
                waited += step
                if waited >= seconds {
                    waited = 0
                    send(message)
                }
            }
        }
        thread.start()
        defer {
            done.store(true, ordering: .releasing)
            stopped.wait()
        }
        return try body()
    }
}
