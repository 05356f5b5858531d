/// The SLA clock's lease in a database that several daemons share: one daemon holds it and
/// runs the sweeps, renewing it well inside its term; when it stops renewing (killed,
/// stopped, cut off from the database), another takes it once the term has run out. The
/// term is kept by the database's own clock, so the daemons' clocks need not agree. A store
/// for one daemon has none (``TicketStore/clockLease``): its daemon always runs the clock.
///
/// The sweep does not rely on the lease to act once: two daemons that both believe they
/// hold it for a moment still take each due check once (``TicketStore/sweepBatch(at:warnFraction:batchSize:)``).
public protocol ClockLease: Sendable {
    /// Takes the lease for `holder` for `term` when it is free, ran out, or is already
    /// `holder`'s (a renewal); returns who holds it now.
    func claimClockLease(for holder: LeaseHolder, term: Duration) async throws -> LeaseHolder

    /// Gives the lease up if `holder` has it (a graceful stop), so that another daemon takes
    /// it at its next attempt instead of after the term.
    func releaseClockLease(of holder: LeaseHolder) async throws
}

/// A daemon that may hold the lease: an id of its own for this run, and its node's name (for
/// the operators: which daemon leads).
public struct LeaseHolder: Sendable, Hashable, CustomStringConvertible {
    /// Unique to one run of one daemon.
    public var id: String
    /// The daemon's `node_name`.
    public var node: String

    /// A holder.
    public init(id: String, node: String) {
        self.id = id
        self.node = node
    }

    public var description: String { "\(node) (\(id))" }
}
