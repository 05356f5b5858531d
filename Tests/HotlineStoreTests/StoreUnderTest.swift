import Foundation
import HotlineCore
import HotlinePostgres
import HotlineSQLite
import HotlineStore
import HotlineTesting
import Logging
import Testing

/// A storage backend the behaviour tests run on.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgresql

    /// SQLite always; PostgreSQL when `scripts/test` started a server.
    static var available: [Backend] { TestPostgres.available ? allCases : [.sqlite] }

    var testDescription: String { rawValue }
}

/// A store of one backend on a real database of its own (an SQLite file in a fresh folder,
/// or a fresh database on the test PostgreSQL server), with the test configuration's
/// lifecycle: units water, gas and power; `停水` routes to water with gas co-handling.
final class StoreUnderTest: @unchecked Sendable {
    let backend: Backend
    let store: any TicketStore
    let lifecycle: Lifecycle
    private let folder: URL?
    let postgresURL: String?
    private let pool: Task<Void, Never>?
    /// What keeps the folder when another owns it (a transfer's target).
    private let keeper: AnyObject?

    private init(
        backend: Backend,
        store: any TicketStore,
        folder: URL?,
        postgresURL: String?,
        pool: Task<Void, Never>?,
        keeper: AnyObject? = nil
    ) {
        self.keeper = keeper
        self.backend = backend
        self.store = store
        self.folder = folder
        self.postgresURL = postgresURL
        self.pool = pool
        var config = HotlineConfiguration()
        config.units = [
            HandlingUnit(id: "water", name: "水务"), HandlingUnit(id: "gas", name: "燃气"),
            HandlingUnit(id: "power", name: "电力"),
        ]
        config.router = Router(routes: [Route(unit: "water", keywords: ["停水"], coUnits: ["gas"])])
        lifecycle = Lifecycle(configuration: config)
    }

    /// A new, empty store of `backend`.
    static func make(_ backend: Backend) async throws -> StoreUnderTest {
        switch backend {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "hotline-store-\(UUID().uuidString)"
            )
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let store = try SQLiteTicketStore(path: folder.appendingPathComponent("hotline.db").path)
            return StoreUnderTest(backend: backend, store: store, folder: folder, postgresURL: nil, pool: nil)
        case .postgresql:
            let url = try TestPostgres.freshDatabase()
            let database = try HotlineDatabase(
                location: try PostgresLocation(url: url),
                password: nil,
                logger: Logger(label: "test")
            )
            let pool = Task { await database.run() }
            await database.started()
            let store = try await PostgresTicketStore(database: database)
            return StoreUnderTest(backend: backend, store: store, folder: nil, postgresURL: url, pool: pool)
        }
    }

    /// An empty database of `backend` for a transfer to copy into, not yet opened by any store
    /// on SQLite (the transfer renames its copy into the file's place).
    static func emptyTarget(_ backend: Backend) async throws -> TargetUnderTest {
        switch backend {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "hotline-target-\(UUID().uuidString)"
            )
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("hotline.db").path
            let keeper = FolderKeeper(folder)
            return TargetUnderTest(
                name: path,
                target: SQLiteTransferTarget(path: path),
                open: {
                    StoreUnderTest(
                        backend: .sqlite,
                        store: try SQLiteTicketStore(path: path),
                        folder: folder,
                        postgresURL: nil,
                        pool: nil,
                        keeper: keeper
                    )
                }
            )
        case .postgresql:
            let opened = try await make(.postgresql)
            let store = opened.store as! PostgresTicketStore
            return TargetUnderTest(
                name: opened.postgresURL!,
                target: PostgresTransferTarget(store: store, name: opened.postgresURL!),
                open: { opened }
            )
        }
    }

    deinit {
        pool?.cancel()
        if let folder, keeper == nil { try? FileManager.default.removeItem(at: folder) }
        if let postgresURL { try? TestPostgres.drop(postgresURL) }
    }

    /// Runs raw SQL on the database with the backend's own client: `sqlite` on SQLite,
    /// `postgres` on PostgreSQL (the schemas name things each in their own way). Throws
    /// when the database refuses it.
    @discardableResult
    func sql(sqlite: String, postgres: String) throws -> String {
        if let postgresURL { return try TestPostgres.psql(postgresURL, postgres) }
        let path = folder!.appendingPathComponent("hotline.db").path
        let result = try ProcessResult.run("/usr/bin/sqlite3", [path, sqlite])
        guard result.status == 0 else { throw TestDaemonError.clientFailed("sqlite3: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The same statement on either backend.
    @discardableResult
    func sql(_ statement: String) throws -> String { try sql(sqlite: statement, postgres: statement) }

    /// Submits `content` as key `key` of the hotline channel as the admin.
    func submit(
        _ key: String,
        _ content: String = "停水",
        at: Date = noon,
        change: (inout Submission) -> Void = { _ in }
    ) async throws -> SubmitResult {
        var submission = Submission(channel: .hotline, submissionId: key, content: content)
        change(&submission)
        return try await store.submit(submission, lifecycle: lifecycle, by: admin, at: at)
    }

    /// Applies `command` to ticket `id`.
    @discardableResult
    func apply(
        _ command: TicketCommand,
        to id: String,
        by caller: Caller = admin,
        at: Date = noon
    ) async throws
        -> Transition
    {
        try await store.apply(command, to: id, lifecycle: lifecycle, by: caller, at: at)
    }

    /// The lead unit's figures for the local day of `noon`.
    func dayFigures(_ unit: String) async throws -> UnitStats? {
        let calendar = lifecycle.configuration.calendar
        let from = calendar.instant(on: calendar.localDate(of: noon), at: TimeOfDay("00:00")!)
        return try await store.figures(from: from, to: from.addingTimeInterval(86400), units: [unit]).units
            .first { $0.unit == unit }
    }
}

/// Removes a folder once nothing uses it.
final class FolderKeeper: Sendable {
    let folder: URL
    init(_ folder: URL) { self.folder = folder }
    deinit { try? FileManager.default.removeItem(at: folder) }
}

/// A transfer's target: where it is, and the store that reads it once the transfer is done.
struct TargetUnderTest: Sendable {
    /// Its path or URL.
    let name: String
    /// The target.
    let target: any TransferTarget
    /// A store on it (on SQLite a new one each time: open it after the transfer).
    let open: @Sendable () async throws -> StoreUnderTest

    /// What it holds (on SQLite through a store that is closed again before this returns).
    func contents() async throws -> TransferContents {
        if target is SQLiteTransferTarget, !FileManager.default.fileExists(atPath: name) {
            return TransferContents(tickets: 0, entries: 0, imports: 0)
        }
        return try await (open().store as! any TransferSource).transferContents()
    }
}

let admin = Caller(credentials: PeerCredentials(uid: 0, gid: 0), role: .admin)
let water = Caller(credentials: PeerCredentials(uid: 2001, gid: 2001), role: .unit("water"))
let gas = Caller(credentials: PeerCredentials(uid: 2003, gid: 2003), role: .unit("gas"))
let power = Caller(credentials: PeerCredentials(uid: 2002, gid: 2002), role: .unit("power"))
let operatorCaller = Caller(credentials: PeerCredentials(uid: 1001, gid: 1001), role: .operator)
let noon = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21 22:13 +08:00
