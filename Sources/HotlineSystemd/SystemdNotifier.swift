import CSystemd

/// The `sd_notify(3)` protocol: readiness, status, the watchdog, reload and stop. Every call
/// is a no-op when the daemon was not started by systemd (`NOTIFY_SOCKET` unset).
public struct SystemdNotifier: Sendable {
    /// Creates a notifier.
    public init() {}

    /// Sends raw `KEY=value` lines.
    public func send(_ state: String) {
        _ = sd_notify(0, state)
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

    /// `STOPPING=1` at the start of shutdown.
    public func stopping() {
        send("STOPPING=1\nSTATUS=stopping")
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
