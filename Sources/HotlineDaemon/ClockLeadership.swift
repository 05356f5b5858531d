import Foundation
import HotlineStore
import Logging
import ServiceLifecycle
import Synchronization

/// Whether this daemon runs the SLA clock. On a store that one daemon alone writes it always
/// does. On a shared database it does while it holds the lease (``ClockLease``): it claims
/// the lease every ``renewInterval``, a third of the ``term``, and counts itself the leader
/// only until the term of its last successful claim runs out by its own monotonic clock,
/// measured from before the claim was sent, so it stops before the database would let
/// another daemon take over. A standby claims at the same pace and so leads within
/// ``term`` + ``renewInterval`` (about 13 s) of the leader's last renewal.
public final class ClockLeadership: Service, Sendable {
    /// How long a claim holds the lease.
    public static let term: Duration = .seconds(10)
    /// How often the lease is claimed (renewed by its holder, tried by the others).
    public static let renewInterval: Duration = .milliseconds(3300)

    /// What the daemon is, for `Status` and the systemd status line.
    public enum Role: String, Sendable {
        /// It runs the sweeps.
        case leader
        /// Another daemon does.
        case standby
    }

    private let lease: (any ClockLease)?
    /// This run of this daemon, as the lease names its holder.
    public let holder: LeaseHolder
    private let logger: Logger
    private let state = Mutex<(until: ContinuousClock.Instant?, reported: Role?)>((nil, nil))

    /// The leadership of `store`'s clock for the daemon of node `node`.
    public init(store: any TicketStore, node: String, logger: Logger) {
        self.lease = store.clockLease
        self.holder = LeaseHolder(id: UUID().uuidString.lowercased(), node: node)
        self.logger = logger
    }

    /// Whether several daemons may share the clock (the store has a lease).
    public var isShared: Bool { lease != nil }

    /// Whether this daemon runs the clock now.
    public var role: Role {
        guard lease != nil else { return .leader }
        let until = state.withLock { $0.until }
        return until.map { ContinuousClock.now < $0 } == true ? .leader : .standby
    }

    /// Claims the lease once, before the daemon takes calls, so that its first `Status`
    /// answers what it is; a failure leaves it a standby until the service claims again.
    public func claimAtStart() async {
        guard let lease else { return }
        let sent = ContinuousClock.now
        guard let current = try? await lease.claimClockLease(for: holder, term: Self.term) else { return }
        if current == holder { state.withLock { $0.until = sent + Self.term } }
        report(holder: current)
    }

    /// Runs until graceful shutdown, then gives the lease up.
    public func run() async throws {
        guard let lease else {
            try await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                let sent = ContinuousClock.now
                do {
                    let current = try await lease.claimClockLease(for: self.holder, term: Self.term)
                    if current == self.holder {
                        self.state.withLock { $0.until = sent + Self.term }
                    } else {
                        self.state.withLock { $0.until = nil }
                    }
                    if failing {
                        self.logger.notice("the SLA clock's lease can be claimed again")
                        failing = false
                    }
                    self.report(holder: current)
                } catch {
                    if !failing {
                        self.logger.warning(
                            "cannot claim the SLA clock's lease; leading only until the last claim runs out",
                            metadata: ["error": "\(error)"]
                        )
                        failing = true
                    }
                    self.report(holder: nil)
                }
                try? await Task.sleep(for: Self.renewInterval)
            }
        }
        if role == .leader {
            state.withLock { $0.until = nil }
            try? await lease.releaseClockLease(of: holder)
            logger.notice("gave up the SLA clock's lease", metadata: ["node": "\(holder.node)"])
        }
    }

    /// Logs a change of role (`holder`: who holds the lease now, when known).
    private func report(holder current: LeaseHolder?) {
        let now = role
        let changed = state.withLock { state -> Bool in
            defer { state.reported = now }
            return state.reported != now
        }
        guard changed else { return }
        switch now {
        case .leader:
            logger.notice(
                "took the SLA clock's lease: this daemon runs the sweeps",
                metadata: ["node": "\(holder.node)"]
            )
        case .standby:
            logger.notice(
                "standing by: another daemon runs the SLA clock",
                metadata: ["leader": "\(current?.node ?? "unknown")"]
            )
        }
    }
}
