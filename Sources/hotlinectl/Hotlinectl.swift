import ArgumentParser
import Foundation
import Varlink

/// `hotlinectl`: the client of the hotline daemon.
@main
struct Hotlinectl: ParsableCommand {
    /// Accepts the contract's `hotlinectl [--socket PATH] [--json] COMMAND …` by moving the
    /// global options behind the subcommand, where the argument parser reads them.
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var global: [String] = []
        while let first = arguments.first, first.hasPrefix("--socket") || first == "--json" {
            global.append(arguments.removeFirst())
            if first == "--socket", !arguments.isEmpty { global.append(arguments.removeFirst()) }
        }
        if !global.isEmpty, !arguments.isEmpty {
            arguments.insert(contentsOf: global, at: 1)
        } else {
            arguments += global
        }
        main(arguments)
    }

    static let configuration = CommandConfiguration(
        commandName: "hotlinectl",
        abstract: "Talk to the hotline daemon: submit, show and list tickets.",
        subcommands: [Submit.self, Show.self, List.self, Status.self, Watch.self, Info.self, Call.self]
    )
}

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The daemon's socket (also HOTLINE_SOCKET).", valueName: "path"))
    var socket: String = ProcessInfo.processInfo.environment["HOTLINE_SOCKET"] ?? "/run/hotline/hotline.sock"

    @Flag(name: .long, help: "Print the raw JSON reply.")
    var json = false
}
