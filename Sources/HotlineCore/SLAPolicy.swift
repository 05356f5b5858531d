import Foundation

/// The deadline lengths of the `[sla]` section (contract §4), with the contract's defaults.
public struct SLAPolicy: Sendable, Hashable {
    /// Time to claim a dispatched ticket (default `2 working hours`).
    public var claim: SLADuration = .workingHours(2)
    /// Time to resolve when the submission gives no deadline (default `10 working days`, measure 6).
    public var resolve: SLADuration = .workingDays(10)
    /// Claim time for urgent tickets (default `30 minutes`).
    public var urgentClaim: SLADuration = .minutes(30)
    /// Resolve time for urgent tickets (default `24 hours`).
    public var urgentResolve: SLADuration = .hours(24)
    /// Time to call back after a bad rating (default `1 working days`).
    public var callback: SLADuration = .workingDays(1)
    /// Time to rectify after a `rectify` call-back (default `5 working days`).
    public var rectify: SLADuration = .workingDays(5)
    /// Time the citizen has to rate a reply before it closes `unrated` (default `3 working days`).
    public var ratingWindow: SLADuration = .workingDays(3)
    /// The phase-report period of a long-term ticket (default `10 working days`).
    public var phase: SLADuration = .workingDays(10)
    /// Unreachable call-back attempts after which the ticket closes (default 3).
    public var callbackAttempts: Int = 3
    /// How long after dispatch a unit may still return a ticket (default `2 working days`).
    public var returnWindow: SLADuration = .workingDays(2)
    /// The fraction of a deadline's window after which a due-soon notice goes out (default 0.8).
    public var warnAt: Double = 0.8

    /// The contract's defaults.
    public init() {}
}
