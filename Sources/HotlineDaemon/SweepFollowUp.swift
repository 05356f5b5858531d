import Foundation
import HotlineCore
import HotlineStore
import Logging
import ServiceLifecycle
import Synchronization

/// What a sweep leaves for after it has answered: its log entries (10,000 deadlines passing
/// at once are 10,000 journal lines, longer to write than the sweep itself; past the
/// ``JournalBudget`` they are counted into one summary line per unit and kind), and folding
/// the passed deadlines into their tickets (flags and `overdue` events; until then reads
/// complete the tickets from the passings). Runs as a service: at start it folds what an
/// earlier run left; on shutdown it writes the entries still waiting.
public final class SweepFollowUp: Service, Sendable {
    /// Tickets folded per transaction: a submission waits behind at most one such batch
    /// (a few milliseconds).
    public static let foldBatch = 100

    private let store: any TicketStore
    private let logger: Logger
    private let waiting = Mutex<[SweepResult]>([])
    /// The per-ticket lines the journal gets; the rest are counted in summaries.
    private let budget: JournalBudget
    private let wakeup = Wakeup()

    /// Creates the follow-up of `store`'s sweeps, writing at most `journalLines` per-ticket
    /// lines per 30 s (journald's window) and summaries past them.
    public init(store: any TicketStore, logger: Logger, journalLines: Int = 2000) {
        self.store = store
        self.logger = logger
        budget = JournalBudget(lines: journalLines)
    }

    /// Takes a sweep batch's results to log once the sweep is over (``sweepEnded()``).
    public func hand(_ result: SweepResult) {
        guard !result.passed.isEmpty || !result.closed.isEmpty || !result.notices.isEmpty else { return }
        waiting.withLock { $0.append(result) }
    }

    /// A sweep has answered: write its log entries and fold its passings. Not before: both
    /// would take the processor and the writer from the sweep's later batches. A sweep that
    /// found nothing wakes nothing.
    public func sweepEnded() {
        if waiting.withLock({ !$0.isEmpty }) { wakeup.signal() }
    }

    /// Writes the log entries of the sweeps handed so far.
    public func writeLog() {
        let results = waiting.withLock { waiting -> [SweepResult] in
            defer { waiting.removeAll() }
            return waiting
        }
        Self.write(results, budget: budget, to: logger)
    }

    /// Writes `results`' lines to `logger` while `budget` lasts, and one summary line per
    /// unit and kind for the rest.
    static func write(_ results: [SweepResult], budget: JournalBudget, to logger: Logger) {
        var summary = SweepSummary()
        for result in results {
            for check in result.passed {
                if budget.take() { TicketLog.passed(check, logger: logger) } else { summary.count(check) }
            }
            for transition in result.closed {
                for event in transition.events {
                    if budget.take() {
                        TicketLog.event(event, of: transition.ticket, actorUid: 0, logger: logger)
                    } else {
                        summary.count(event, of: transition.ticket)
                    }
                }
            }
            for notice in result.notices where TicketLog.logs(notice) {
                if budget.take() { TicketLog.notice(notice, logger: logger) } else { summary.count(notice) }
            }
        }
        summary.write(to: logger)
    }

    /// Runs until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                self.writeLog()
                var pause: Duration = .seconds(60)
                do {
                    while !Task.isCancelled, try await self.store.foldPassedDeadlines(limit: Self.foldBatch) > 0 {
                        self.writeLog()
                    }
                } catch is CancellationError {
                    break
                } catch {
                    self.logger.error(
                        "folding passed deadlines into their tickets failed; retrying in 5 s",
                        metadata: ["error": "\(error)"]
                    )
                    pause = .seconds(5)
                }
                await self.wakeup.wait(timeout: pause)
            }
        }
        writeLog()
    }
}
