import GRDB
import HotlineStore

extension SQLiteTicketStore {
    /// A sentence for a storage failure that tells the operator what happened and what to do.
    /// Nothing of the failed request was stored; the sentence says so.
    public func failureSentence(for error: any Error) -> String {
        if let error = error as? StoreError { return error.description }
        guard let error = error as? DatabaseError else {
            return "the database could not complete the request (\(error)); nothing was stored"
        }
        switch error.resultCode {
        case .SQLITE_FULL:
            return "the disk holding the database is full; nothing was stored. Free space on it: the daemon "
                + "takes requests again as soon as there is room, without a restart"
        case .SQLITE_IOERR:
            return "the disk holding the database failed to read or write (\(error.message ?? "I/O error")); nothing "
                + "was stored. Check the disk (dmesg, smartctl)"
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            return "the daemon may not write the database file (\(error.message ?? "read-only")); nothing was stored. "
                + "Check the owner and mode of the state directory"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return "the database file is damaged (\(error.message ?? "corrupt")); nothing was stored. Stop the daemon "
                + "and restore the database from a backup"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return
                "another process holds the database locked; nothing was stored. Only hotlined may open it for writing"
        default:
            return
                "the database could not complete the request (\(error.message ?? "\(error.resultCode)")); nothing was stored"
        }
    }
}
