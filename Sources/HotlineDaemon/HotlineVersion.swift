/// The daemon's version, reported by `GetInfo` and `Status`.
public enum HotlineVersion {
    /// The version string.
    public static let current = "0.1.0"
}
