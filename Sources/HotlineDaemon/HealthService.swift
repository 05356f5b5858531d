import Foundation
import HotlineStore
import HotlineSystemd
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Keeps systemd informed: `STATUS=` ("412 open, 3 overdue, 1 callback due", and on a
/// database shared with other daemons whether this one runs the SLA clock, "leader" or
/// "standby"; "database unreachable" while the store does not answer) and, when the unit has
/// `WatchdogSec=`, `WATCHDOG=1` at half the interval — sent only after the event loop ran a
/// task and the store answered a query, so a wedged daemon is restarted.
public final class HealthService: Service, Sendable {
    /// How often the status line is refreshed when there is no watchdog.
    public static let statusInterval: Duration = .seconds(5)

    private let store: any TicketStore
    private let leadership: ClockLeadership
    private let notifier: SystemdNotifier
    private let logger: Logger

    /// Creates the service.
    public init(store: any TicketStore, leadership: ClockLeadership, notifier: SystemdNotifier, logger: Logger) {
        self.store = store
        self.leadership = leadership
        self.notifier = notifier
        self.logger = logger
    }

    /// The status line for the current counts, and the clock's role when it is shared.
    public static func statusLine(_ counts: StatusCounts, clock: ClockLeadership.Role? = nil) -> String {
        let counted =
            "\(counts.open) open, \(counts.pending) pending, \(counts.overdue) overdue, \(counts.callbacksDue) callback\(counts.callbacksDue == 1 ? "" : "s") due"
        return clock.map { counted + "; SLA clock: \($0.rawValue)" } ?? counted
    }

    /// The status line while the store does not answer.
    public static let unreachableLine = "database unreachable; calls answer StorageFailure until it is back"

    /// Checks the event loop and the store, then reports; returns the status line.
    @discardableResult
    public func report() async throws -> String {
        try await MultiThreadedEventLoopGroup.singleton.next().submit {}.get()
        let counts: StatusCounts
        do {
            counts = try await store.statusCounts()
        } catch {
            notifier.status(Self.unreachableLine)
            throw error
        }
        let line = Self.statusLine(counts, clock: leadership.isShared ? leadership.role : nil)
        notifier.status(line)
        return line
    }

    /// Runs until graceful shutdown.
    public func run() async throws {
        let watchdog = notifier.watchdogInterval()
        let interval = watchdog.map { min($0 / 2, Self.statusInterval) } ?? Self.statusInterval
        if let watchdog { logger.info("watchdog enabled", metadata: ["interval": "\(watchdog)"]) }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.report()
                    if watchdog != nil { self.notifier.watchdog() }
                } catch {
                    self.logger.error(
                        "health check failed; not feeding the watchdog",
                        metadata: [
                            "error": "\(error)", MessageID.metadataKey: "\(MessageID.storageError.rawValue)",
                        ]
                    )
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
