import ArgumentParser

/// `hotlinectl backup`: has the daemon write a copy of its database (contract §12).
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a copy of the SQLite database into the backup folder (root only).",
        discussion: """
            The daemon copies its database while it goes on serving, syncs the copy and its SHA-256 (NAME.sha256, \
            for sha256sum -c) and keeps the newest [daemon] backups_kept copies in [daemon] backup_directory. \
            Prints the copy's path, size, checksum and ticket count. On PostgreSQL it exits 78: use the server's \
            own backups (pg_basebackup, pg_dump).
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let reply = try Client(options: global).call("org.hotline.Dispatch.Backup")
        guard !global.json else { return }
        print(reply["path"]?.plainText ?? "?")
        let bytes = reply["bytes"]?.intValue ?? 0
        print("\(bytes) bytes (\(Self.size(bytes))), \(reply["tickets"]?.plainText ?? "?") tickets")
        print("sha256 \(reply["sha256"]?.plainText ?? "?")")
    }

    /// `bytes` in MiB or GiB with one decimal.
    static func size(_ bytes: Int64) -> String {
        let mib = Double(bytes) / 1_048_576
        return mib >= 1024 ? String(format: "%.1f GiB", mib / 1024) : String(format: "%.1f MiB", mib)
    }
}
