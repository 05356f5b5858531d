import Foundation
import HotlineCore
import HotlineStore
import Logging
import ServiceLifecycle
import Synchronization

/// Hands the notices of a database that several daemons share (``NoticeFeed``) to this
/// daemon's watchers: each notice once, in the order the feed gives, whichever daemon's
/// change made it (this one's included, which the hub then does not send on its own).
///
/// It reads every ``pollInterval`` (a tenth of a second), and again after ``readInterval``
/// when notices wait behind a transaction still running. Where it stopped reading is kept in
/// memory only: a daemon that starts has no watchers yet, so it begins after everything
/// already written; one that lost the database catches up from there once it is back.
///
/// It does not use LISTEN/NOTIFY. A transaction that sends NOTIFY holds a lock of the whole
/// server from then to the end of its commit, lining up every Submit's disk flush behind the
/// one before (measured: the pgbench floor fell from about 1,750 to 500–800 tx/s); and
/// announcing them from outside the writing transactions, once per commit, cost the daemon
/// more CPU than its Submits. Ten cheap reads a second cost neither.
public final class NoticeRelay: Service, Sendable {
    /// Notices read per query.
    public static let pageSize = 1000
    /// The longest time between two reads.
    public static let pollInterval: Duration = .milliseconds(100)
    /// The time before the next read when notices wait behind a running transaction.
    public static let readInterval: Duration = .milliseconds(25)
    /// How long notices are kept in the database (for a daemon that was cut off that long).
    public static let retention: TimeInterval = 86400
    /// How often old notices are deleted.
    public static let pruneInterval: TimeInterval = 600

    private let feed: any NoticeFeed
    private let hub: NoticeHub
    private let logger: Logger
    private let start: NoticeCursor

    /// A relay that starts after every notice written so far; call it before the daemon
    /// takes calls, so that no watcher can miss what follows.
    public init(feed: any NoticeFeed, hub: NoticeHub, logger: Logger) async throws {
        self.feed = feed
        self.hub = hub
        self.logger = logger
        self.start = try await feed.noticeCursor()
    }

    /// Runs until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.relay()
        }
    }

    /// Reads and publishes, every poll interval (sooner when notices were held back).
    private func relay() async {
        var cursor = start
        var wait = Self.pollInterval
        var failing = false
        var pruneAt = Date().addingTimeInterval(Self.pruneInterval)
        while !Task.isCancelled {
            try? await Task.sleep(for: wait)
            guard !Task.isCancelled else { return }
            do {
                var page: NoticePage
                repeat {
                    page = try await feed.notices(after: cursor, limit: Self.pageSize)
                    hub.publish(page.notices)
                    cursor = page.cursor
                } while page.more && !Task.isCancelled
                wait = page.held ? Self.readInterval : Self.pollInterval
                if failing {
                    logger.notice("reading notices again", metadata: ["position": "\(cursor)"])
                    failing = false
                }
                if Date() >= pruneAt {
                    pruneAt = Date().addingTimeInterval(Self.pruneInterval)
                    let before = Date().addingTimeInterval(-Self.retention)
                    while try await feed.pruneNotices(writtenBefore: before, limit: 10_000) == 10_000,
                        !Task.isCancelled
                    {}
                }
            } catch {
                guard !Task.isCancelled else { return }
                if !failing {
                    logger.error(
                        "reading the notices failed; retrying every tenth of a second (none is lost)",
                        metadata: ["error": "\(error)", "position": "\(cursor)"]
                    )
                }
                failing = true
                wait = Self.pollInterval
            }
        }
    }
}
