import ArgumentParser
import Foundation
import HotlineClient

/// `hotlinectl`: the client of the hotline daemon, for operators, handling units and supervisors.
@main
struct Hotlinectl: ParsableCommand {
    /// Accepts the contract's `hotlinectl [--socket PATH] [--json] COMMAND …` by moving the
    /// global options behind the subcommand, where the argument parser reads them.
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var global: [String] = []
        while let first = arguments.first,
            first.hasPrefix("--socket") || first == "--json" || first.hasPrefix("--config")
        {
            global.append(arguments.removeFirst())
            if first == "--socket" || first == "--config", !arguments.isEmpty { global.append(arguments.removeFirst()) }
        }
        if let first = arguments.first, !first.hasPrefix("-"), first != "help",
            !configuration.subcommands.contains(where: { $0._commandName == first })
        {
            let names = configuration.subcommands.map { $0._commandName }.joined(separator: ", ")
            FileHandle.standardError.write(
                Data("hotlinectl: unknown command '\(first)'; the commands are \(names)\n".utf8)
            )
            Foundation.exit(ExitStatus.usage)
        }
        if !global.isEmpty, !arguments.isEmpty {
            // Behind the subcommand's own subcommand when it has them (knowledge search …).
            var at = 1
            if let group = configuration.subcommands.first(where: { $0._commandName == arguments[0] }),
                arguments.count > 1,
                group.configuration.subcommands.contains(where: { $0._commandName == arguments[1] })
            {
                at = 2
            }
            arguments.insert(contentsOf: global, at: at)
        } else {
            arguments += global
        }
        main(arguments)
    }

    static let configuration = CommandConfiguration(
        commandName: "hotlinectl",
        abstract: "Work the city service hotline: submit, dispatch, handle, call back and report tickets.",
        discussion: """
            Talks to hotlined over its Unix socket; what you may do depends on your account (operator, unit, \
            supervisor). Exit status: 0 success, 64 usage or a refused value, 65 the ticket's state does not \
            allow it, 66 no such ticket or unit, 69 the daemon cannot be reached, 73 the output file cannot be \
            written, 75 nothing could be stored (try again), 77 permission denied, 78 not offered by this daemon's \
            storage (backup on PostgreSQL), 1 anything else. The \
            reference (methods, roles, lifecycle, figures) is in /usr/share/doc/hotline (docs/ in the source).
            """,
        subcommands: [
            Submit.self, Answer.self, Show.self, List.self, Search.self, Dispatch.self, Claim.self, Progress.self,
            Return.self,
            Extend.self,
            DecideExtension.self, Explain.self, Reply.self, Rate.self, Callback.self, Merge.self, Supervise.self,
            Urge.self,
            Stats.self, Hotspots.self, Report.self, Knowledge.self, Watch.self, Status.self, Backup.self, Info.self,
            Call.self,
        ]
    )
}
