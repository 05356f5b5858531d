import Foundation
import HotlineCore
import HotlineStore
import Logging
import ServiceLifecycle
import Synchronization

/// The SLA clock as a service: sleeps until the next deadline that matters (read from the
/// index, never by scanning tickets), sweeps, and sends the notices. A change that sets a
/// deadline earlier than the one it sleeps for wakes it (``kick(forDeadlineAt:)``); other
/// changes leave it asleep, so a busy hour of submissions costs the clock nothing. With the
/// manual clock it never sleeps on wall time: `SetTime` sweeps instead. On a database that
/// several daemons share, only the lease's holder sweeps (``ClockLeadership``); the others
/// look again every second.
public final class SLAClockService: Service, Sendable {
    /// The longest sleep: a re-check of the index, in case the system clock was changed.
    public static let maximumSleep: Duration = .seconds(60)
    /// The longest sleep on a database shared with other daemons, whose new deadlines cannot
    /// wake this one: a deadline set through another daemon is met within a second.
    public static let maximumSharedSleep: Duration = .seconds(1)

    private let sweeper: Sweeper
    private let clock: DaemonClock
    private let leadership: ClockLeadership
    private let logger: Logger
    private let wakeup = Wakeup()
    /// Until when the clock sleeps; nil while it is awake (sweeping or reading the index),
    /// when any new deadline must make it look again.
    private let sleepingUntil = Mutex<Date?>(nil)

    /// Creates the service; it sweeps while `leadership` says this daemon leads.
    public init(sweeper: Sweeper, clock: DaemonClock, leadership: ClockLeadership, logger: Logger) {
        self.sweeper = sweeper
        self.clock = clock
        self.leadership = leadership
        self.logger = logger
    }

    /// A ticket now needs the clock at `date`: wakes it when that is earlier than what it
    /// sleeps for (or when it is awake and may have read the index before this change).
    public func kick(forDeadlineAt date: Date) {
        let wake = sleepingUntil.withLock { until in until.map { date < $0 } ?? true }
        if wake { wakeup.signal() }
    }

    /// Runs until graceful shutdown.
    public func run() async throws {
        guard !clock.isManual else {
            try await gracefulShutdown()
            return
        }
        let longest = leadership.isShared ? Self.maximumSharedSleep : Self.maximumSleep
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                guard self.leadership.role == .leader else {
                    await self.wakeup.wait(timeout: Self.maximumSharedSleep)
                    continue
                }
                let wait: Duration
                do {
                    _ = try await self.sweeper.sweep(at: self.clock.now())
                    if let next = try await self.sweeper.store.nextDeadlineCheck() {
                        let seconds = max(0, next.timeIntervalSince(self.clock.now()))
                        wait = min(.milliseconds(Int64(seconds * 1000) + 1), longest)
                    } else {
                        wait = longest
                    }
                } catch {
                    self.logger.error("SLA sweep failed; retrying in 5 s", metadata: ["error": "\(error)"])
                    wait = .seconds(5)
                }
                // Sleep until the deadline or a kick, whichever comes first.
                let until = self.clock.now().addingTimeInterval(wait / .seconds(1))
                self.sleepingUntil.withLock { $0 = until }
                await self.wakeup.wait(timeout: wait)
                self.sleepingUntil.withLock { $0 = nil }
            }
        }
    }
}
