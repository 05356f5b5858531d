import Foundation
import HotlineCore
import Logging
import Synchronization

/// Hands notices to every `Watch` stream that may see them.
///
/// Publishing never waits for a watcher: each has a bounded buffer, and a watcher that
/// falls that far behind is dropped (its stream ends, its connection closes) with a log
/// line, so a stalled client cannot slow the daemon or grow its memory.
public final class NoticeHub: Sendable {
    /// How many notices a watcher may fall behind before it is dropped: a few minutes of
    /// a busy day's notices for a client that is merely slow.
    public static let watcherBuffer = 1024

    private struct Watcher {
        var role: Role
        var uid: UInt32
        var continuation: AsyncStream<Notice>.Continuation
    }

    private let watchers = Mutex<[UUID: Watcher]>([:])
    private let logger: Logger
    private let bufferSize: Int
    /// Whether the notices come back from the database (``NoticeRelay``) rather than from
    /// this daemon's own commits.
    public let relayed: Bool

    /// Creates a hub; `relayed` when the store keeps the notices for several daemons and a
    /// ``NoticeRelay`` publishes them.
    public init(logger: Logger, bufferSize: Int = NoticeHub.watcherBuffer, relayed: Bool = false) {
        self.logger = logger
        self.bufferSize = bufferSize
        self.relayed = relayed
    }

    /// The notices of a change this daemon committed: sent at once, unless they come back
    /// through the relay (with every other daemon's).
    public func committed(_ notices: [Notice]) {
        guard !relayed else { return }
        publish(notices)
    }

    /// The number of connected watchers.
    public var count: Int { watchers.withLock { $0.count } }

    /// A stream of the notices `role` may see, until the caller stops iterating or is dropped.
    public func subscribe(role: Role, uid: UInt32) -> AsyncStream<Notice> {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(
            of: Notice.self,
            bufferingPolicy: .bufferingOldest(bufferSize)
        )
        continuation.onTermination = { [weak self] _ in
            _ = self?.watchers.withLock { $0.removeValue(forKey: id) }
        }
        watchers.withLock { $0[id] = Watcher(role: role, uid: uid, continuation: continuation) }
        return stream
    }

    /// Sends notices to every watcher allowed to see them.
    public func publish(_ notices: [Notice]) {
        guard !notices.isEmpty else { return }
        let current = watchers.withLock { Array($0) }
        for (id, watcher) in current {
            for notice in notices where notice.isVisible(to: watcher.role) {
                if case .dropped = watcher.continuation.yield(notice) {
                    logger.warning(
                        "watcher fell \(bufferSize) notices behind; dropping it",
                        metadata: ["uid": "\(watcher.uid)"]
                    )
                    watchers.withLock { _ = $0.removeValue(forKey: id) }
                    watcher.continuation.finish()
                    break
                }
            }
        }
    }

    /// Ends every stream (graceful shutdown).
    public func finishAll() {
        let all = watchers.withLock { state in
            defer { state.removeAll() }
            return Array(state.values)
        }
        for watcher in all { watcher.continuation.finish() }
    }
}
