import ArgumentParser
import Foundation
import HotlineCore
import HotlineDaemon
import HotlinePostgres
import HotlineSQLite
import HotlineStore
import HotlineSystemd
import Logging
import ServiceLifecycle

/// `hotlined [serve]`: runs the daemon (the default command).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon (the default: `hotlined --config FILE` is `hotlined serve --config FILE`).",
        discussion: """
            Serves org.hotline.Dispatch over Varlink on a Unix socket; SIGHUP reloads the configuration, SIGTERM \
            stops it gracefully.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The configuration file.", valueName: "file"))
    var config: String = "/etc/hotline/hotlined.toml"

    @Option(name: .long, help: ArgumentHelp("Listen on this socket instead of the configured one.", valueName: "path"))
    var socket: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Use this database (a path, or a postgresql:// URL) instead of the configured one.",
            valueName: "database"
        )
    )
    var database: String?

    @Flag(
        name: .long,
        help: "Start the clock at the real time and move it only by org.hotline.Testing.SetTime (for tests)."
    )
    var manualClock = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The lowest level logged: trace, debug, info, notice, warning, error, critical.",
            valueName: "level"
        )
    )
    var logLevel: String = "info"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where to log: journal, stderr, or auto (the journal under systemd, JOURNAL_STREAM set).",
            valueName: "target"
        )
    )
    var logTarget: String = "auto"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError(
                "--log-level \(logLevel) is not one of trace, debug, info, notice, warning, error, critical"
            )
        }
        let journal: Bool
        switch logTarget {
        case "journal": journal = true
        case "stderr": journal = false
        case "auto": journal = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        default: throw ValidationError("--log-target \(logTarget) is not one of journal, stderr, auto")
        }
        LoggingSystem.bootstrap { label in
            if journal { return JournalLogHandler(identifier: "hotlined", logLevel: level) }
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
        Self.raiseFileLimit(toServe: configuration.daemon.limits.connections, logger: logger)
        let socket = self.socket
        let database = self.database
        let overrides: @Sendable (inout HotlineConfiguration) -> Void = { config in
            if let socket { config.daemon.socket = socket }
            if let database { config.daemon.database = database }
        }
        overrides(&configuration)
        let store: any TicketStore
        var poolTask: Task<Void, Never>?
        if PostgresLocation.isURL(configuration.daemon.database) {
            // A URL (from the file, checked there, or from --database) is never taken for a
            // file name.
            let location: PostgresLocation
            let password: String?
            do {
                location = try PostgresLocation(url: configuration.daemon.database)
                password = try configuration.daemon.databasePasswordFile.map {
                    try DatabasePassword.read($0, environment: ProcessInfo.processInfo.environment)
                }
            } catch {
                logger.critical("configuration rejected: database: \(error)")
                throw ExitCode(78)  // EX_CONFIG
            }
            do {
                let opened = try await SystemdNotifier().extendingStartTimeout(status: "opening the database") {
                    try await PostgresSite.open(location, password: password, logger: logger)
                }
                // The pool runs for the daemon's whole life, outlasting every service of the
                // group (their last calls on shutdown included).
                poolTask = opened.pool
                store = opened.store
            } catch {
                logger.critical(
                    "cannot open the database \(configuration.daemon.database): \(error)",
                    metadata: [MessageID.metadataKey: "\(MessageID.storageError.rawValue)"]
                )
                poolTask?.cancel()
                throw ExitCode(69)  // EX_UNAVAILABLE: systemd tries again (Restart=on-failure)
            }
        } else {
            do {
                // Migrating a large database takes longer than TimeoutStartSec= allows.
                store = try SystemdNotifier().extendingStartTimeout(status: "opening the database") {
                    try SQLiteTicketStore(path: configuration.daemon.database)
                }
            } catch {
                logger.critical(
                    "cannot open the database \(configuration.daemon.database): \(error)",
                    metadata: [MessageID.metadataKey: "\(MessageID.storageError.rawValue)"]
                )
                throw ExitCode(73)  // EX_CANTCREAT
            }
        }
        defer { poolTask?.cancel() }

        let clock: DaemonClock = manualClock ? .manual() : .system()
        let box = ConfigurationBox(configuration)
        let hub = NoticeHub(logger: logger, relayed: store.noticeFeed != nil)
        // Before the socket takes calls: a watcher must not miss a notice written after it
        // connected.
        var relay: NoticeRelay?
        do {
            if let feed = store.noticeFeed { relay = try await NoticeRelay(feed: feed, hub: hub, logger: logger) }
        } catch {
            logger.critical(
                "cannot read the database's notices: \(error)",
                metadata: [MessageID.metadataKey: "\(MessageID.storageError.rawValue)"]
            )
            throw ExitCode(69)
        }
        let followUp = SweepFollowUp(store: store, logger: logger)
        let indexer = SearchIndexer(store: store, logger: logger)
        let compactor = FigureCompactor(store: store, logger: logger)
        let sweeper = Sweeper(store: store, configuration: box, hub: hub, followUp: followUp, logger: logger)
        let leadership = ClockLeadership(store: store, node: configuration.daemon.nodeName, logger: logger)
        await leadership.claimAtStart()
        let slaClock = SLAClockService(sweeper: sweeper, clock: clock, leadership: leadership, logger: logger)
        let handler = CallHandler(
            store: store,
            configuration: box,
            clock: clock,
            logger: logger,
            hub: hub,
            sweeper: sweeper,
            leadership: leadership,
            wakeClock: { slaClock.kick(forDeadlineAt: $0) }
        )
        let endpoint: VarlinkListener.Endpoint =
            ListenFDs.take().map { .inherited($0) }
            ?? .path(configuration.daemon.socket, mode: configuration.daemon.socketMode)
        let started = configuration
        let manualClock = manualClock
        let notifier = SystemdNotifier()
        let health = HealthService(store: store, leadership: leadership, notifier: notifier, logger: logger)
        let reload = ReloadService(path: config, overrides: overrides, box: box, notifier: notifier, logger: logger) {
            _ = try? await health.report()
        }
        let listener = VarlinkListener(
            endpoint: endpoint,
            handler: handler,
            logger: logger,
            onListening: {
                logger.notice(
                    "hotlined \(HotlineVersion.current) ready",
                    metadata: [
                        "database": "\(started.daemon.database)", "units": "\(started.units.count)",
                        "routes": "\(started.router.routes.count)", "manual_clock": "\(manualClock)",
                        MessageID.metadataKey: "\(MessageID.started.rawValue)",
                    ]
                )
                Task {
                    let line = (try? await health.report()) ?? "ready"
                    notifier.ready(status: line)
                }
            },
            onStopping: {
                notifier.stopping()
            }
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: followUp), .init(service: indexer, successTerminationBehavior: .ignore),
                    .init(service: leadership), .init(service: slaClock), .init(service: health),
                    .init(service: compactor),
                    .init(service: reload),
                ] + (relay.map { [.init(service: $0)] } ?? []) + [
                    .init(service: listener)
                ],
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
        followUp.writeLog()  // a sweep answered during shutdown
        var stopped: Logger.Metadata = [MessageID.metadataKey: "\(MessageID.stopped.rawValue)"]
        for (name, value) in store.finish() { stopped[name] = "\(value)" }
        logger.notice("hotlined stopped", metadata: stopped)
    }

    /// Raises the soft limit on open files to the hard limit, so that `max_connections`
    /// connections plus the database's files fit (systemd starts services with 1024).
    static func raiseFileLimit(toServe connections: Int, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let wanted = rlim_t(connections + 64)
        if limit.rlim_cur < wanted {
            limit.rlim_cur = min(limit.rlim_max, max(wanted, limit.rlim_cur))
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        if limit.rlim_cur < wanted {
            logger.warning(
                "the open-file limit (\(limit.rlim_cur)) is below max_connections + 64; raise LimitNOFILE= or lower max_connections"
            )
        }
    }
}
