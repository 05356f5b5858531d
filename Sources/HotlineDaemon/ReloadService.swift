import Foundation
import HotlineCore
import HotlineSystemd
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on SIGHUP: units, routes, roles, calendar and SLA are swapped
/// in at once; a bad file keeps the old configuration and logs why. Connections stay open.
/// Deadlines already set keep their times; new ones use the new rules.
public final class ReloadService: Service, Sendable {
    private let path: String
    private let overrides: @Sendable (inout HotlineConfiguration) -> Void
    private let box: ConfigurationBox
    private let notifier: SystemdNotifier
    private let logger: Logger
    private let onReloaded: @Sendable () async -> Void

    /// Creates the service; `overrides` re-applies the command line's `--socket`/`--database`.
    public init(
        path: String,
        overrides: @escaping @Sendable (inout HotlineConfiguration) -> Void,
        box: ConfigurationBox,
        notifier: SystemdNotifier,
        logger: Logger,
        onReloaded: @escaping @Sendable () async -> Void = {}
    ) {
        self.path = path
        self.overrides = overrides
        self.box = box
        self.notifier = notifier
        self.logger = logger
        self.onReloaded = onReloaded
    }

    /// Reads the file again and puts it in force, or keeps the old one; returns whether it took.
    @discardableResult
    public func reload() async -> Bool {
        notifier.reloading()
        defer { notifier.send("READY=1") }
        let logger = self.logger
        do {
            var next = try ConfigurationLoader(warn: { logger.warning("\($0)") }).load(path: path)
            overrides(&next)
            let old = box.current
            if next.daemon.socket != old.daemon.socket || next.daemon.database != old.daemon.database {
                logger.warning("socket and database changes take effect only at restart")
                next.daemon.socket = old.daemon.socket
                next.daemon.database = old.daemon.database
            }
            box.replace(with: next)
            logger.notice(
                "configuration reloaded",
                metadata: [
                    "units": "\(next.units.count)", "routes": "\(next.router.routes.count)",
                    MessageID.metadataKey: "\(MessageID.reloaded.rawValue)",
                ]
            )
            await onReloaded()
            return true
        } catch {
            logger.error(
                "reload rejected, the previous configuration stays in force: \(error)",
                metadata: [
                    MessageID.metadataKey: "\(MessageID.reloadRejected.rawValue)"
                ]
            )
            return false
        }
    }

    /// Waits for SIGHUP until graceful shutdown.
    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                await self.reload()
            }
        }
    }
}
