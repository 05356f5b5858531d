import ArgumentParser
import Foundation
import HotlineCore
import HotlineDaemon
import HotlineStore
import Logging
import ServiceLifecycle

/// `hotlined`: the citizen service hotline daemon.
@main
struct Hotlined: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotlined",
        abstract: "The citizen service hotline daemon: 12345 calls and mailbox letters routed, tracked and called back.",
        discussion: "Serves org.hotline.Dispatch over Varlink on a Unix socket. SIGTERM stops it gracefully.",
        version: HotlineVersion.current
    )

    @Option(name: .long, help: ArgumentHelp("The configuration file.", valueName: "file"))
    var config: String = "/etc/hotline/hotlined.toml"

    @Option(name: .long, help: ArgumentHelp("Listen on this socket instead of the configured one.", valueName: "path"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("Use this SQLite database instead of the configured one.", valueName: "path"))
    var database: String?

    @Flag(name: .long, help: "Start the clock at the real time and move it only by org.hotline.Testing.SetTime (for tests).")
    var manualClock = false

    @Option(name: .long, help: ArgumentHelp("The lowest level logged: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: String = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level \(logLevel) is not one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "hotlined")

        var configuration: HotlineConfiguration
        do {
            configuration = try ConfigurationLoader(warn: { logger.warning("\($0)") }).load(path: config)
        } catch {
            logger.critical("configuration rejected: \(error)")
            throw ExitCode(78)  // EX_CONFIG
        }
        if let socket { configuration.daemon.socket = socket }
        if let database { configuration.daemon.database = database }

        let store: TicketStore
        do {
            store = try TicketStore(path: configuration.daemon.database)
        } catch {
            logger.critical("cannot open the database \(configuration.daemon.database): \(error)")
            throw ExitCode(73)  // EX_CANTCREAT
        }

        let clock: DaemonClock = manualClock ? .manual() : .system()
        let box = ConfigurationBox(configuration)
        let hub = NoticeHub(logger: logger)
        let sweeper = Sweeper(store: store, configuration: box, hub: hub, logger: logger)
        let slaClock = SLAClockService(sweeper: sweeper, clock: clock, logger: logger)
        let handler = CallHandler(store: store, configuration: box, clock: clock, logger: logger,
                                  hub: hub, sweeper: sweeper, wakeClock: { slaClock.kick() })
        let endpoint: VarlinkListener.Endpoint = ListenFDs.take().map { .inherited($0) }
            ?? .path(configuration.daemon.socket, mode: configuration.daemon.socketMode)
        let started = configuration
        let manualClock = manualClock
        let listener = VarlinkListener(endpoint: endpoint, handler: handler, logger: logger) {
            logger.notice("hotlined \(HotlineVersion.current) ready", metadata: [
                "database": "\(started.daemon.database)", "units": "\(started.units.count)",
                "routes": "\(started.router.routes.count)", "manual_clock": "\(manualClock)",
            ])
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: slaClock), .init(service: listener)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch let problem as SocketFile.Problem {
            logger.critical("\(problem)")
            throw ExitCode(75)  // EX_TEMPFAIL
        }
        try? store.checkpoint()
        logger.notice("hotlined stopped")
    }
}
