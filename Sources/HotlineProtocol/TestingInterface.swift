/// The Varlink interface `org.hotline.Testing` (contract §6), present only with `--manual-clock`.
public enum TestingInterface {
    /// The interface name.
    public static let name = "org.hotline.Testing"

    /// The interface description.
    public static let description = """
        # Test control of a daemon started with --manual-clock.
        interface org.hotline.Testing

        # Moves the daemon's clock to now (admin only) and runs the deadline sweep for it
        # before replying.
        method SetTime(now: string) -> ()
        """
}
