import Foundation
import HotlineStore
import HotlineSystemd
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Keeps systemd informed: `STATUS=` ("412 open, 3 overdue, 1 callback due") and, when the
/// unit has `WatchdogSec=`, `WATCHDOG=1` at half the interval — sent only after the event
/// loop ran a task and the store answered a query, so a wedged daemon is restarted.
public final class HealthService: Service, Sendable {
    /// How often the status line is refreshed when there is no watchdog.
    public static let statusInterval: Duration = .seconds(5)

    private let store: any TicketStore
    private let notifier: SystemdNotifier
    private let logger: Logger

    /// Creates the service.
    public init(store: any TicketStore, notifier: SystemdNotifier, logger: Logger) {
        self.store = store
        self.notifier = notifier
        self.logger = logger
    }

    /// The status line for the current counts.
    public static func statusLine(_ counts: StatusCounts) -> String {
        "\(counts.open) open, \(counts.pending) pending, \(counts.overdue) overdue, \(counts.callbacksDue) callback\(counts.callbacksDue == 1 ? "" : "s") due"
    }

    /// Checks the event loop and the store, then reports; returns the status line.
    @discardableResult
    public func report() async throws -> String {
        try await MultiThreadedEventLoopGroup.singleton.next().submit {}.get()
        let line = Self.statusLine(try await store.statusCounts())
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
