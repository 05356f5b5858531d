import Foundation
import HotlineCore
import HotlineStore
import HotlineSystemd
import Logging
import Synchronization

/// Runs one SLA sweep and hands out its results: notices to the watchers, entries to the log
/// (through the follow-up).
/// Shared by the clock service and `SetTime`.
public final class Sweeper: Sendable {
    /// The store.
    public let store: any TicketStore
    private let configuration: ConfigurationBox
    private let hub: NoticeHub
    private let followUp: SweepFollowUp
    private let logger: Logger
    private let warnedYears = Mutex<Set<Int>>([])

    /// Creates a sweeper.
    public init(
        store: any TicketStore,
        configuration: ConfigurationBox,
        hub: NoticeHub,
        followUp: SweepFollowUp,
        logger: Logger
    ) {
        self.store = store
        self.configuration = configuration
        self.hub = hub
        self.followUp = followUp
        self.logger = logger
    }

    /// Checks one sweep transaction takes. Small enough that submissions queued behind a
    /// batch wait a few milliseconds, not a whole sweep, and that a batch's results do not
    /// raise the daemon's peak memory; large enough that the commits stay few.
    public static let batchSize = 2000

    /// Sweeps for `now`, batch by batch, sending each batch's notices to the watchers as it
    /// commits and handing its log entries to the follow-up (written once the whole sweep is
    /// over, after `SetTime` has its answer); returns how many checks it took.
    @discardableResult
    public func sweep(at now: Date) async throws -> Int {
        var examined = 0
        defer { followUp.sweepEnded() }
        while true {
            let config = configuration.current
            let result = try await store.sweepBatch(at: now, warnFraction: config.sla.warnAt, batchSize: Self.batchSize)
            hub.committed(result.notices)
            followUp.hand(result)
            examined += result.examined
            if !result.more { return examined }
        }
    }

    /// Logs, once per year, that a deadline fell in a year whose holidays the calendar lacks.
    public func checkCalendarCoverage(of ticket: Ticket, at now: Date) {
        let calendar = configuration.current.calendar
        let deadlines = [ticket.claimBy, ticket.dueBy, ticket.callbackBy, ticket.phaseDueBy, ticket.ratingBy].compactMap
        { $0 }
        guard let latest = deadlines.max() else { return }
        for year in calendar.uncoveredYears(from: now, to: latest) {
            let isNew = warnedYears.withLock { $0.insert(year).inserted }
            if isNew {
                logger.warning(
                    "the calendar has no holidays for \(year); deadlines in \(year) count weekends only. Add the official schedule to [calendar] and reload.",
                    metadata: ["year": "\(year)", MessageID.metadataKey: "\(MessageID.calendarYearMissing.rawValue)"]
                )
            }
        }
    }
}
