/// hotlinectl's exit statuses, distinct per kind of failure so that scripts can tell them
/// apart (the values follow sysexits.h).
public enum ExitStatus {
    /// The daemon answered with an error not listed below.
    public static let failed: Int32 = 1
    /// Bad command-line usage, or a value the daemon refused (InvalidParameter).
    public static let usage: Int32 = 64
    /// InvalidTransition, SubmissionConflict: the ticket is not in a state that allows it.
    public static let conflict: Int32 = 65
    /// NoSuchTicket, NoSuchUnit, MethodNotFound, InterfaceNotFound.
    public static let notFound: Int32 = 66
    /// The daemon could not be reached.
    public static let unreachable: Int32 = 69
    /// The output file (`report --output`) could not be written.
    public static let cannotCreate: Int32 = 73
    /// StorageFailure: the daemon could not store it; try again once the cause is fixed.
    public static let temporary: Int32 = 75
    /// PermissionDenied.
    public static let permission: Int32 = 77
    /// NotSupported: this daemon's storage does not offer the method (`backup` on PostgreSQL).
    public static let notSupported: Int32 = 78
}
