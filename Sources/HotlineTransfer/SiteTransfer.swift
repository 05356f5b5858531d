import Foundation
import HotlineStore
import Synchronization

/// `hotlined transfer`: copies a whole site (tickets with their histories, deadlines and
/// checks; the knowledge base with every version and open import; the figures, rebuilt from
/// the tickets) from one database into an empty one, either way between the backends, and
/// checks that both hold the same: every table read back from the copy and from the source
/// and compared by row count and SHA-256 (``SiteDigests``).
///
/// The copy becomes the target's only when the check passes; otherwise the target is left
/// empty (``TransferTarget/load(_:verify:)``). The source is only read, but it should be
/// still: a daemon writing to it meanwhile makes the check fail, and the copy is dropped.
public struct SiteTransfer: Sendable {
    /// How many tickets or entries one read and one write take.
    public var pageSize: Int
    /// Where progress is told (a line at a time).
    public var progress: @Sendable (String) -> Void

    /// A transfer in pages of `pageSize`.
    public init(pageSize: Int = 500, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.pageSize = pageSize
        self.progress = progress
    }

    /// What a transfer did.
    public struct Report: Sendable {
        /// The tables as both hold them.
        public var tables: [TableDigest]
        /// How long the copy took, and the check.
        public var copySeconds: Double
        /// How long reading both back and comparing took.
        public var verifySeconds: Double
    }

    /// Copies `source` (named `sourceName` in messages) into `target` and verifies the copy.
    /// Throws ``TransferError`` when a daemon runs on either, the target is not empty, or
    /// the copy differs; anything else the databases throw passes through. Either way the
    /// target holds nothing of a transfer that did not succeed.
    public func run(
        from source: any TransferSource,
        named sourceName: String,
        to target: any TransferTarget
    )
        async throws -> Report
    {
        if let daemon = try await source.runningDaemon() {
            throw TransferError.daemonRunning(database: sourceName, daemon: daemon)
        }
        try await target.checkEmpty()
        let contents = try await source.transferContents()
        progress("copying \(contents.described)")
        let started = ContinuousClock.now
        let copied = Mutex<Duration?>(nil)
        let verified = Mutex<SiteDigests?>(nil)
        let pageSize = pageSize
        let progress = progress
        try await target.load { sink in
            try await sink.write(try await source.exportImports())
            var after: Int64?
            var written = 0
            while true {
                let page = try await source.exportTickets(after: after, limit: pageSize)
                try await sink.write(page.tickets)
                written += page.tickets.count
                guard let last = page.last else { break }
                after = last
                if written % 10_000 < pageSize { progress("copied \(written) of \(contents.tickets) tickets") }
            }
            after = nil
            while true {
                let page = try await source.exportEntries(after: after, limit: pageSize)
                try await sink.write(page.entries)
                guard let last = page.last else { break }
                after = last
            }
            progress("copied \(written) tickets and \(contents.entries) knowledge-base entries; building the figures")
        } verify: { copy in
            copied.withLock { $0 = ContinuousClock.now - started }
            progress("reading the source back")
            let expected = try await SiteDigests.read(source, progress: progress)
            progress("reading the copy back")
            let actual = try await SiteDigests.read(copy, scope: expected.scope, progress: progress)
            let differing = expected.differences(from: actual)
            guard differing.isEmpty else { throw TransferError.mismatch(tables: differing) }
            verified.withLock { $0 = actual }
        }
        let copySeconds = Self.seconds(copied.withLock { $0 } ?? .zero)
        return Report(
            tables: verified.withLock { $0?.tables } ?? [],
            copySeconds: copySeconds,
            verifySeconds: Self.seconds(ContinuousClock.now - started) - copySeconds
        )
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
