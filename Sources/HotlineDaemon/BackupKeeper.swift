import Crypto
import Foundation
import HotlineStore
import HotlineSystemd
import Logging
import Synchronization

/// A copy that `Backup` wrote (contract §12).
public struct BackupCopy: Sendable, Hashable {
    /// Where it is.
    public var path: String
    /// Its size.
    public var bytes: Int
    /// The SHA-256 of the file, in hexadecimal (also in `path.sha256`, as `sha256sum` writes it).
    public var sha256: String
    /// The tickets it holds.
    public var tickets: Int
}

/// Why `Backup` kept no copy, and what to do about it.
public enum BackupError: Error, Sendable, CustomStringConvertible {
    /// The backup folder cannot be created or written.
    case folderUnusable(folder: String, reason: String)
    /// Writing, syncing or reading back the copy failed; what was written is removed.
    case copyFailed(folder: String, reason: String)

    /// A sentence for the caller and the journal.
    public var description: String {
        switch self {
        case .folderUnusable(let folder, let reason):
            "the backup folder \(folder) cannot be written (\(reason)); no copy was made. Create it for the daemon's "
                + "user, or set [daemon] backup_directory to a folder it may write (under systemd a folder outside "
                + "/var/lib/hotline needs ReadWritePaths= in a drop-in)"
        case .copyFailed(let folder, let reason):
            "the backup into \(folder) failed (\(reason)); no copy was kept. Free space there, or set "
                + "[daemon] backup_directory to another disk"
        }
    }
}

/// Writes `Backup`'s copies: each into a hidden `.partial` file first, synced, checksummed
/// (`NAME.sha256` beside it, which `sha256sum -c` checks), then renamed into place and the
/// folder synced, so a copy under its final name is always whole. Names are the UTC time the
/// copy was started (`hotline-20261203T021500Z.db`); after each copy only the newest `kept`
/// stay. One backup runs at a time; a second call waits for the first and then makes its own.
public final class BackupKeeper: Sendable {
    /// A copy's file name: the prefix, the time, an optional `-N` for a second copy in one
    /// second, and the extension.
    static var namePattern: Regex<(Substring, Substring, Substring?)> { #/^hotline-(\d{8}T\d{6}Z)(?:-(\d+))?\.db$/# }

    private let store: any StoreBackup
    private let logger: Logger
    private let turn = Turn()

    /// A keeper writing copies of `store`.
    public init(store: any StoreBackup, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Writes a copy of the database into `folder` (created if needed) and keeps the newest
    /// `kept` copies there.
    public func backup(into folder: String, keeping kept: Int) async throws -> BackupCopy {
        try await turn.exclusively {
            let started = ContinuousClock.now
            let copy = try await writeCopy(into: folder, at: Date())
            let removed = try? await LowPriority.run { try Self.prune(folder, keeping: kept) }
            logger.notice(
                "backup written",
                metadata: [
                    "path": "\(copy.path)", "bytes": "\(copy.bytes)", "sha256": "\(copy.sha256)",
                    "tickets": "\(copy.tickets)", "seconds": "\((ContinuousClock.now - started).seconds)",
                    "removed": "\(removed ?? [])", MessageID.metadataKey: "\(MessageID.backupWritten.rawValue)",
                ]
            )
            return copy
        }
    }

    private func writeCopy(into folder: String, at now: Date) async throws -> BackupCopy {
        do {
            try await LowPriority.run { try Self.prepare(folder) }
        } catch {
            logger.error(
                "backup failed: \(error)",
                metadata: [MessageID.metadataKey: "\(MessageID.backupFailed.rawValue)"]
            )
            throw error
        }
        let name = Self.freeName(in: folder, at: now)
        let path = folder + "/" + name
        let partial = folder + "/." + name + ".partial"
        let sumPartial = folder + "/." + name + ".sha256.partial"
        do {
            let tickets = try await store.writeCopy(to: partial)
            return try await LowPriority.run {
                let (bytes, sha256) = try Self.digest(partial)
                Self.dropCache(partial)
                try Self.writeSynced(Data("\(sha256)  \(name)\n".utf8), to: sumPartial)
                try Self.rename(partial, to: path)
                try Self.rename(sumPartial, to: path + ".sha256")
                try Self.syncFolder(folder)
                return BackupCopy(path: path, bytes: bytes, sha256: sha256, tickets: tickets)
            }
        } catch {
            for file in [partial, sumPartial] { try? FileManager.default.removeItem(atPath: file) }
            let failure = BackupError.copyFailed(folder: folder, reason: "\(error)")
            logger.error(
                "backup failed: \(failure)",
                metadata: [MessageID.metadataKey: "\(MessageID.backupFailed.rawValue)"]
            )
            throw failure
        }
    }

    // MARK: Files

    /// Creates `folder` if needed (mode 0750) and removes what an interrupted backup left.
    static func prepare(_ folder: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: folder,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o750]
            )
        } catch {
            throw BackupError.folderUnusable(folder: folder, reason: Self.reason(error))
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw BackupError.folderUnusable(folder: folder, reason: String(cString: strerror(errno)))
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        where name.hasPrefix(".hotline-") && name.hasSuffix(".partial") {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    /// The name for a copy started at `now`: its UTC time, with `-2`, `-3`… when taken.
    static func freeName(in folder: String, at now: Date) -> String {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let t = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: now)
        let stamp = String(
            format: "%04d%02d%02dT%02d%02d%02dZ",
            t.year ?? 0,
            t.month ?? 0,
            t.day ?? 0,
            t.hour ?? 0,
            t.minute ?? 0,
            t.second ?? 0
        )
        var name = "hotline-\(stamp).db"
        var n = 2
        while FileManager.default.fileExists(atPath: folder + "/" + name) {
            name = "hotline-\(stamp)-\(n).db"
            n += 1
        }
        return name
    }

    /// Removes all but the newest `kept` copies (and their checksums); returns their names.
    static func prune(_ folder: String, keeping kept: Int) throws -> [String] {
        let copies = try FileManager.default.contentsOfDirectory(atPath: folder).compactMap {
            name -> (stamp: String, n: Int, name: String)? in
            guard let match = name.wholeMatch(of: namePattern) else { return nil }
            return (String(match.1), match.2.flatMap { Int($0) } ?? 1, name)
        }
        .sorted { ($0.stamp, $0.n) < ($1.stamp, $1.n) }
        let old = copies.dropLast(kept).map(\.name)
        for name in old {
            try removeGradually(folder + "/" + name)
            try? FileManager.default.removeItem(atPath: folder + "/" + name + ".sha256")
        }
        if !old.isEmpty { try syncFolder(folder) }
        return old
    }

    /// Bytes an old copy shrinks by at a time before it is removed.
    static let removalStep: off_t = 8 << 20

    /// Removes the file at `path` gently: its cached pages dropped first, then shrunk 8 MiB
    /// every 10 ms (an 836 MiB copy in about a second). Freeing a large file at once holds the
    /// file system's journal, and every commit's sync waits behind it: Submit stalled 400 ms
    /// when an 836 MiB copy was removed in one go, and its p99 was 4x with 32 MiB steps
    /// (scripts/bench-backup, BENCHMARKS.md).
    static func removeGradually(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
            var size = lseek(fd, 0, SEEK_END)
            while size > removalStep {
                size -= removalStep
                guard ftruncate(fd, size) == 0 else { break }
                usleep(10_000)
            }
        }
        try FileManager.default.removeItem(atPath: path)
    }

    /// Drops the cached pages of the file at `path`: a copy is read again only to restore it,
    /// and should not push the database's own pages out of the cache.
    static func dropCache(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
        close(fd)
    }

    /// The size and SHA-256 of the file at `path`, read back from the disk.
    static func digest(_ path: String) throws -> (bytes: Int, sha256: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        var hash = SHA256()
        var bytes = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            if count == 0 { break }
            hash.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            bytes += count
        }
        return (bytes, hash.finalize().map { String(format: "%02x", $0) }.joined())
    }

    /// Writes `data` to a new file at `path` (mode 0640) and syncs it.
    static func writeSynced(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        guard fsync(fd) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    /// Syncs the folder itself, so that the renames and removals in it are on disk.
    static func syncFolder(_ folder: String) throws {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    static func reason(_ error: any Error) -> String {
        if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(posix.code)))
        }
        return "\(error)"
    }

    /// One at a time: callers wait in line.
    final class Turn: Sendable {
        private struct Line {
            var busy = false
            var waiting: [CheckedContinuation<Void, Never>] = []
        }
        private let line = Mutex(Line())

        func exclusively<T: Sendable>(_ body: () async throws -> T) async throws -> T {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = line.withLock { line -> Bool in
                    if line.busy {
                        line.waiting.append(continuation)
                        return false
                    }
                    line.busy = true
                    return true
                }
                if now { continuation.resume() }
            }
            defer {
                let next = line.withLock { line -> CheckedContinuation<Void, Never>? in
                    if line.waiting.isEmpty {
                        line.busy = false
                        return nil
                    }
                    return line.waiting.removeFirst()
                }
                next?.resume()
            }
            return try await body()
        }
    }
}
