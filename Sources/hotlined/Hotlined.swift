import ArgumentParser
import HotlineDaemon

/// `hotlined`: the citizen service hotline daemon, and the one-off transfer of a site
/// between databases.
@main
struct Hotlined: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotlined",
        abstract:
            "The citizen service hotline daemon: 12345 calls and mailbox letters routed, tracked and called back.",
        discussion: """
            With no command it runs the daemon (`serve`). The reference (the protocol, the lifecycle and deadlines, \
            every configuration key, the journal's fields and message ids, moving a site between databases) is in \
            /usr/share/doc/hotline (docs/ in the source).
            """,
        version: HotlineVersion.current,
        subcommands: [Serve.self, Transfer.self],
        defaultSubcommand: Serve.self
    )
}
