import Foundation
import HotlineStore
import Logging
import ServiceLifecycle

/// Moves the figures' changes that writes recorded on the side into the rollups the figures
/// are read from (``TicketStore/compactFigures(limit:)``), every few seconds, a batch per
/// transaction, so that a read never sums more than a few seconds of changes. Figures read
/// the same either way; on a store that writes its rollups in place there is nothing to move.
public final class FigureCompactor: Service, Sendable {
    /// Changes moved per transaction.
    public static let batch = 5000
    /// The pause between rounds.
    public static let interval: Duration = .seconds(5)

    private let store: any TicketStore
    private let logger: Logger

    /// Creates the compactor of `store`.
    public init(store: any TicketStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Runs until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    while !Task.isCancelled, try await self.store.compactFigures(limit: Self.batch) == Self.batch {}
                } catch is CancellationError {
                    break
                } catch {
                    self.logger.error(
                        "moving figure changes into the hour rollups failed; retrying",
                        metadata: ["error": "\(error)"]
                    )
                }
                try? await Task.sleep(for: Self.interval)
            }
        }
    }
}
