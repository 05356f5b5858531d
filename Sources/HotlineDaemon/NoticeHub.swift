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
    /// For relayed notices of this daemon's own commits, not yet read back: the watchers
    /// connected at the commit (a watcher that connects later must not get them).
    private let audiences = Mutex<[String: [Set<UUID>]]>([:])
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
        guard !relayed else {
            guard !notices.isEmpty else { return }
            let present = Set(watchers.withLock { $0.keys })
            audiences.withLock { audiences in
                if audiences.count > 100_000 { audiences.removeAll() }  // never read back: a relay failing for long
                for notice in notices { audiences[Self.key(notice), default: []].append(present) }
            }
            return
        }
        publish(notices)
    }

    /// What identifies a notice read back from the database (its instant to the millisecond).
    private static func key(_ notice: Notice) -> String {
        "\(notice.kind.rawValue)|\(notice.ticketID)|\(notice.deadline?.rawValue ?? "")|\(notice.at.millis)"
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

    /// Sends notices to every watcher allowed to see them (a relayed notice of this daemon's
    /// own commit only to the watchers connected at the commit).
    public func publish(_ notices: [Notice]) {
        guard !notices.isEmpty else { return }
        let current = watchers.withLock { Array($0) }
        var audience: [Set<UUID>?] = []
        if relayed {
            audience = audiences.withLock { audiences in
                notices.map { notice -> Set<UUID>? in
                    let key = Self.key(notice)
                    guard var queued = audiences[key], !queued.isEmpty else { return nil }
                    let first = queued.removeFirst()
                    audiences[key] = queued.isEmpty ? nil : queued
                    return first
                }
            }
        }
        for (id, watcher) in current {
            for (index, notice) in notices.enumerated() where notice.isVisible(to: watcher.role) {
                if index < audience.count, let allowed = audience[index], !allowed.contains(id) { continue }
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
