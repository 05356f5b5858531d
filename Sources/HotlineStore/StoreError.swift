/// A failure of the storage layer itself (not of a request). The daemon answers
/// `org.hotline.Dispatch.StorageFailure` and logs it: an operator must look at the disk.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// A stored value could not be read back: the database was changed outside the daemon.
    case corrupt(String)

    /// A sentence for the log.
    public var description: String {
        switch self {
        case .corrupt(let what): "the database holds a value the daemon cannot read (\(what)); restore it from a backup"
        }
    }
}
