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
/// It reads after every wake-up the feed sends (one per commit that wrote notices, from any
/// daemon), every second regardless (a wake-up lost while the listening connection was
/// down costs a second, never a notice), and again soon when notices wait behind a
/// transaction still running. Where it stopped reading is kept in memory only: a daemon that
/// starts has no watchers yet, so it begins after everything already written.
public final class NoticeRelay: Service, Sendable {
    /// Notices read per query.
    public static let pageSize = 1000
    /// The longest time between two reads.
    public static let pollInterval: Duration = .seconds(1)
    /// The time before the next read when notices wait behind a running transaction.
    public static let heldInterval: Duration = .milliseconds(20)
    /// How long notices are kept in the database (for a daemon that was cut off that long).
    public static let retention: TimeInterval = 86400
    /// How often old notices are deleted.
    public static let pruneInterval: TimeInterval = 600

    private let feed: any NoticeFeed
    private let hub: NoticeHub
    private let logger: Logger
    private let start: NoticeCursor
    private let wakeup = Wakeup()
    private let listening = Mutex(true)

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
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.listen() }
                group.addTask { await self.relay() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// How long an attempt to listen may take to start before it is given up and made again.
    public static let listenStartLimit: Duration = .seconds(10)

    /// Keeps a listening connection open, opening it again a second after it fails. Each
    /// attempt runs in a task of its own that is cancelled, not waited for, when it does not
    /// start listening within ``listenStartLimit`` or when the relay stops: a connection
    /// caught in a pool that is going away (the primary moved) must hold up neither the
    /// notices nor the daemon's shutdown.
    private func listen() async {
        while !Task.isCancelled {
            let state = AttemptState()
            let attempt = Task { [self] in
                defer { state.ended.withLock { $0 = true } }
                do {
                    try await feed.listenForNotices { [self] in
                        state.started.withLock { $0 = true }
                        let recovered = listening.withLock { was in
                            defer { was = true }
                            return !was
                        }
                        if recovered { logger.notice("listening for notices again") }
                        wakeup.signal()
                    }
                } catch {
                    guard !Task.isCancelled else { return }
                    let first = listening.withLock { was in
                        defer { was = false }
                        return was
                    }
                    if first {
                        logger.warning(
                            "lost the connection that listens for notices; reading them every second until it is back",
                            metadata: ["error": "\(error)"]
                        )
                    }
                }
            }
            let begun = ContinuousClock.now
            while !state.ended.withLock({ $0 }) {
                do {
                    try await Task.sleep(for: .milliseconds(100))
                } catch {
                    attempt.cancel()
                    return
                }
                if !state.started.withLock({ $0 }), ContinuousClock.now - begun > Self.listenStartLimit {
                    attempt.cancel()
                    logger.warning("listening for notices did not start in time; trying again")
                    break
                }
            }
            wakeup.signal()  // catch up on what a wake-up may have missed
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Whether one attempt to listen has started listening, and whether it has ended.
    private final class AttemptState: Sendable {
        let started = Mutex(false)
        let ended = Mutex(false)
    }

    /// Reads and publishes, woken by the listener or by the poll interval.
    private func relay() async {
        var cursor = start
        var wait = Self.pollInterval
        var failing = false
        var pruneAt = Date().addingTimeInterval(Self.pruneInterval)
        while !Task.isCancelled {
            await wakeup.wait(timeout: wait)
            guard !Task.isCancelled else { return }
            do {
                var page: NoticePage
                repeat {
                    page = try await feed.notices(after: cursor, limit: Self.pageSize)
                    hub.publish(page.notices)
                    cursor = page.cursor
                } while page.more && !Task.isCancelled
                wait = page.held ? Self.heldInterval : Self.pollInterval
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
                        "reading the notices failed; retrying every second (none is lost)",
                        metadata: ["error": "\(error)", "position": "\(cursor)"]
                    )
                }
                failing = true
                wait = Self.pollInterval
            }
        }
    }
}
