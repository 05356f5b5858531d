import Foundation
import HotlineCore
import HotlineStore
import HotlineSystemd
import Logging
import Synchronization

/// Runs one SLA sweep and hands out its results: notices to the watchers, entries to the log.
/// Shared by the clock service and `SetTime`.
public final class Sweeper: Sendable {
    /// The store.
    public let store: TicketStore
    private let configuration: ConfigurationBox
    private let hub: NoticeHub
    private let logger: Logger
    private let warnedYears = Mutex<Set<Int>>([])

    /// Creates a sweeper.
    public init(store: TicketStore, configuration: ConfigurationBox, hub: NoticeHub, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.hub = hub
        self.logger = logger
    }

    /// Rows one sweep transaction handles. Small enough that submissions queued behind a
    /// batch wait tens of milliseconds, not a whole sweep, and that a batch's tickets do not
    /// raise the daemon's peak memory; large enough that the commits stay few.
    public static let batchSize = 1000

    /// Sweeps for `now`, batch by batch, publishing each batch's notices as it commits;
    /// returns how many deadline rows it examined.
    @discardableResult
    public func sweep(at now: Date) async throws -> Int {
        var examined = 0
        while true {
            let config = configuration.current
            let result = try await store.sweepBatch(at: now, warnFraction: config.sla.warnAt, calendar: config.calendar,
                                                    batchSize: Self.batchSize)
            for transition in result.changed {
                for event in transition.events {
                    TicketLog.event(event, of: transition.ticket, actorUid: 0, logger: logger)
                }
            }
            for notice in result.notices { TicketLog.notice(notice, logger: logger) }
            hub.publish(result.notices)
            examined += result.examined
            if result.examined < Self.batchSize { return examined }
        }
    }

    /// Logs, once per year, that a deadline fell in a year whose holidays the calendar lacks.
    public func checkCalendarCoverage(of ticket: Ticket, at now: Date) {
        let calendar = configuration.current.calendar
        let deadlines = [ticket.claimBy, ticket.dueBy, ticket.callbackBy, ticket.phaseDueBy, ticket.ratingBy].compactMap { $0 }
        guard let latest = deadlines.max() else { return }
        for year in calendar.uncoveredYears(from: now, to: latest) {
            let isNew = warnedYears.withLock { $0.insert(year).inserted }
            if isNew {
                logger.warning("the calendar has no holidays for \(year); deadlines in \(year) count weekends only. Add the official schedule to [calendar] and reload.",
                               metadata: ["year": "\(year)", MessageID.metadataKey: "\(MessageID.calendarYearMissing.rawValue)"])
            }
        }
    }
}
