import ArgumentParser
import Foundation
import HotlineCore
import HotlineDaemon
import HotlinePostgres
import HotlineSQLite
import HotlineStore
import HotlineTransfer
import Logging

/// `hotlined transfer --from DATABASE --to DATABASE`: copies a site from one database into an
/// empty one, either way between SQLite and PostgreSQL, and checks the copy table by table.
struct Transfer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Copy a site into an empty database (SQLite or PostgreSQL, either way) and verify the copy.",
        discussion: """
            DATABASE is a path (SQLite) or a postgresql:// URL, as [daemon] database takes it. Everything is copied: \
            tickets with their histories, deadlines and pending checks, the knowledge base with every version and open \
            import, and the figures (rebuilt from the tickets). Both databases are then read back and compared, row \
            counts and a SHA-256 per table; the copy is kept only if they agree, and a target that is not empty is \
            refused. Stop every daemon on both databases first. Exit status: 0 done and verified, 64 bad arguments, \
            65 the copy differed (the target was left empty), 66 no source, 69 a database cannot be reached, 73 the \
            target is not empty or cannot be written, 75 a daemon runs on one of them.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The database to copy from.", valueName: "database"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("The empty database to copy into.", valueName: "database"))
    var to: String

    @Option(
        name: .long,
        help: ArgumentHelp("A file holding the password of the source's PostgreSQL role.", valueName: "file")
    )
    var fromPasswordFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp("A file holding the password of the target's PostgreSQL role.", valueName: "file")
    )
    var toPasswordFile: String?

    @Flag(name: .long, help: "Print no progress, only the result.")
    var quiet = false

    func validate() throws {
        guard from != to else { throw ValidationError("--from and --to name the same database: \(from)") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        let logger = Logger(label: "hotlined-transfer")
        var pools: [Task<Void, Never>] = []
        defer { for pool in pools { pool.cancel() } }
        do {
            func postgres(_ url: String, option: String, passwordFile: String?) async throws -> PostgresTicketStore {
                let opened = try await PostgresSite.open(
                    try Self.location(url, option: option),
                    password: try Self.password(passwordFile, option: option + "-password-file"),
                    logger: logger
                )
                pools.append(opened.pool)
                return opened.store
            }
            let source: any TransferSource
            if PostgresLocation.isURL(from) {
                source = try await postgres(from, option: "--from", passwordFile: fromPasswordFile)
            } else {
                guard FileManager.default.fileExists(atPath: from) else {
                    throw Failure(status: 66, sentence: "there is no database at \(from) to copy from")
                }
                source = try SQLiteTicketStore(path: from)
            }
            let target: any TransferTarget =
                PostgresLocation.isURL(to)
                ? PostgresTransferTarget(
                    store: try await postgres(to, option: "--to", passwordFile: toPasswordFile),
                    name: to
                )
                : SQLiteTransferTarget(path: to)
            let quiet = quiet
            let transfer = SiteTransfer { line in
                if !quiet { FileHandle.standardError.write(Data("hotlined transfer: \(line)\n".utf8)) }
            }
            let report = try await transfer.run(from: source, named: from, to: target)
            print(Self.text(of: report, from: from, to: to))
        } catch let failure as Failure {
            Self.fail(failure.sentence)
            throw ExitCode(failure.status)
        } catch let error as TransferError {
            Self.fail(error.description)
            switch error {
            case .mismatch: throw ExitCode(65)  // EX_DATAERR
            case .targetNotEmpty, .unusable: throw ExitCode(73)  // EX_CANTCREAT
            case .daemonRunning: throw ExitCode(75)  // EX_TEMPFAIL
            }
        } catch let error as DatabaseUnavailable {
            Self.fail("\(error)")
            throw ExitCode(69)  // EX_UNAVAILABLE
        } catch let error as HotlineDatabase.PrimaryNotFound {
            Self.fail("\(error)")
            throw ExitCode(69)
        } catch {
            Self.fail("the transfer stopped: \(error); the target holds nothing of it")
            throw ExitCode(74)  // EX_IOERR
        }
    }

    /// A failure with its exit status.
    private struct Failure: Error {
        var status: Int32
        var sentence: String
    }

    private static func location(_ url: String, option: String) throws -> PostgresLocation {
        do {
            return try PostgresLocation(url: url)
        } catch {
            throw Failure(status: 64, sentence: "\(option) \(url): \(error)")
        }
    }

    private static func password(_ file: String?, option: String) throws -> String? {
        guard let file else { return nil }
        do {
            return try DatabasePassword.read(file, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw Failure(status: 64, sentence: "\(option): \(error)")
        }
    }

    private static func fail(_ sentence: String) {
        FileHandle.standardError.write(Data("hotlined transfer: \(sentence)\n".utf8))
    }

    /// The report: each table's rows and digest, and the times.
    static func text(of report: SiteTransfer.Report, from: String, to: String) -> String {
        let width = report.tables.map(\.table.count).max() ?? 5
        var lines = ["copied \(from) into \(to)", ""]
        lines.append("table".padding(toLength: width, withPad: " ", startingAt: 0) + "  " + pad("rows", 9) + "  sha256")
        for table in report.tables {
            lines.append(
                table.table.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + pad("\(table.rows)", 9)
                    + "  " + table.sha256
            )
        }
        lines.append("")
        lines.append(
            String(
                format: "copied in %.1f s, verified in %.1f s: both hold the same, table by table",
                report.copySeconds,
                report.verifySeconds
            )
        )
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
