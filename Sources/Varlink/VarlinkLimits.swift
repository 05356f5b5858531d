/// Limits of the Varlink transport, with the reason for each.
public enum VarlinkLimits {
    /// The largest message accepted (contract §1: 1 MiB). A mailbox letter is a few KiB; a
    /// `List` page of 1,000 tickets stays under this. Anything larger is an error and the
    /// connection closes, so one client cannot make the daemon buffer without bound.
    public static let maximumMessageSize = 1 << 20
}
