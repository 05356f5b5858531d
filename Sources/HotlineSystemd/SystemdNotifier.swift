import CSystemd
import Dispatch

/// The `sd_notify(3)` protocol: readiness, status, the watchdog, reload and stop. Every call
/// is a no-op when the daemon was not started by systemd (`NOTIFY_SOCKET` unset).
///
/// `sd_notify` blocks in `sendmsg` while the receiving socket's queue is full (a busy or
/// wedged service manager, a listener that does not read). The messages therefore go out in
/// order from a queue of their own: a blocked send holds that queue's thread, never a task
/// of the daemon, which goes on answering calls.
public struct SystemdNotifier: Sendable {
    /// Where the messages are sent from, in order.
    private static let queue = DispatchQueue(label: "hotline-sd-notify")

    /// Creates a notifier.
    public init() {}

    /// Sends raw `KEY=value` lines (from the notifier's own queue; returns at once).
    public func send(_ state: String) {
        Self.queue.async { _ = sd_notify(0, state) }
    }

    /// Waits until what was sent so far has gone out, at most `timeout`; false when a send is
    /// still blocked.
    @discardableResult
    public func flush(timeout: DispatchTimeInterval = .seconds(1)) -> Bool {
        let sent = DispatchSemaphore(value: 0)
        Self.queue.async { sent.signal() }
        return sent.wait(timeout: .now() + timeout) == .success
    }

    /// `READY=1` (with a status line).
    public func ready(status: String? = nil) {
        send("READY=1" + (status.map { "\nSTATUS=\($0)" } ?? ""))
    }

    /// `STATUS=…`: the line `systemctl status` shows.
    public func status(_ text: String) {
        send("STATUS=\(text)")
    }

    /// `RELOADING=1` before a reload.
    public func reloading() {
        send("RELOADING=1")
    }

    /// `STOPPING=1` at the start of shutdown, waited for (at most a second) so that it goes
    /// out before the process ends.
    public func stopping() {
        send("STOPPING=1\nSTATUS=stopping")
        flush()
    }

    /// `WATCHDOG=1`: the daemon is alive.
    public func watchdog() {
        send("WATCHDOG=1")
    }

    /// The watchdog interval systemd expects (`WATCHDOG_USEC`, for this pid), or nil when
    /// the watchdog is off.
    public func watchdogInterval() -> Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(usec))
    }
}
