/// The storage backends (contract §11), as `Status` names them.
public enum StorageBackend: String, Sendable, CaseIterable {
    /// One SQLite file on the daemon's host.
    case sqlite
    /// A PostgreSQL database that several daemons may share.
    case postgresql
}
