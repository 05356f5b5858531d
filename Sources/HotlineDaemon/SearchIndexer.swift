import Foundation
import HotlineStore
import Logging
import ServiceLifecycle

/// Keeps the search index current in the background: every ticket change that touches the
/// searched text only queues the ticket (`searchQueue`), and this service indexes the queue a
/// batch per transaction, so that neither a Submit nor a start-up after an upgrade waits for
/// the full-text index. Until a ticket is indexed, search reads its text directly.
public final class SearchIndexer: Service, Sendable {
    /// Tickets indexed per transaction: a Submit waits behind at most one such batch.
    public static let batch = 50
    /// How long the indexer sleeps when nothing waits: a new ticket is read directly until then.
    public static let idlePause: Duration = .milliseconds(250)

    private let store: TicketStore
    private let logger: Logger

    /// Creates the indexer of `store`.
    public init(store: TicketStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Runs until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var reported = false
            while !Task.isCancelled {
                do {
                    let indexed = try await self.store.indexQueuedForSearch(limit: Self.batch)
                    if indexed == Self.batch, !reported {
                        self.logger.info("indexing tickets for search in the background")
                        reported = true
                    }
                    if indexed < Self.batch {
                        reported = false
                        try await Task.sleep(for: Self.idlePause)
                    }
                } catch is CancellationError {
                    break
                } catch {
                    self.logger.error(
                        "indexing tickets for search failed; retrying in 5 s",
                        metadata: ["error": "\(error)"]
                    )
                    try? await Task.sleep(for: .seconds(5))
                }
            }
        }
    }
}
