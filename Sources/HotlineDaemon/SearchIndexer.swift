import Foundation
import HotlineStore
import Logging
import ServiceLifecycle

/// Indexes for search, in the background, the tickets an upgrade left unindexed
/// (`searchQueue`): a batch per transaction, so that neither the start-up after an upgrade
/// nor a Submit waits for the whole backlog. Tickets written by this release are indexed in
/// their own transaction and never queued, so the service ends once the queue is empty.
/// Until a ticket is indexed, search reads its text directly.
public final class SearchIndexer: Service, Sendable {
    /// Tickets indexed per transaction: a Submit waits behind at most one such batch.
    public static let batch = 50

    private let store: any TicketStore
    private let logger: Logger

    /// Creates the indexer of `store`.
    public init(store: any TicketStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Runs until the queue is empty or graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var total = 0
            let start = ContinuousClock.now
            while !Task.isCancelled {
                do {
                    let indexed = try await self.store.indexQueuedForSearch(limit: Self.batch)
                    if indexed > 0, total == 0 {
                        self.logger.info("indexing the tickets of an earlier release for search in the background")
                    }
                    total += indexed
                    if indexed < Self.batch { break }
                    await Task.yield()
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
            if total > 0, !Task.isCancelled {
                self.logger.info(
                    "search index complete",
                    metadata: ["tickets": "\(total)", "seconds": "\((ContinuousClock.now - start).components.seconds)"]
                )
            }
        }
    }
}
