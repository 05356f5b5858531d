import ArgumentParser
import Foundation
import HotlineClient
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The daemon's socket (also HOTLINE_SOCKET).", valueName: "path"))
    var socket: String = ProcessInfo.processInfo.environment["HOTLINE_SOCKET"] ?? "/run/hotline/hotline.sock"

    @Flag(name: .long, help: "Print the raw JSON reply (for scripts).")
    var json = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The daemon's configuration, read (when readable) only for unit names and the time zone (also HOTLINE_CONFIG).",
            valueName: "file"
        )
    )
    var config: String = ProcessInfo.processInfo.environment["HOTLINE_CONFIG"] ?? "/etc/hotline/hotlined.toml"

    /// What the configuration file tells the client.
    var site: SiteInfo { SiteInfo.load(path: config) }

    /// How to show things to a person on this terminal.
    var text: TicketText {
        TicketText(
            style: Style.forStandardOutput(environment: ProcessInfo.processInfo.environment),
            unitNames: site.unitNames
        )
    }
}

/// One call to the daemon: prints a failure as a sentence with the error's name and exits
/// with the status for it.
struct Client {
    let options: GlobalOptions

    @discardableResult
    func call(_ method: String, _ parameters: [String: JSONValue] = [:]) throws -> [String: JSONValue] {
        guard let reply = try call(method, parameters, unlessRefused: false) else { return [:] }
        return reply
    }

    /// As ``call(_:_:)``, but nil when the caller's role may not call `method` (a part of a
    /// page that only some roles see), rather than failing.
    func call(_ method: String, _ parameters: [String: JSONValue], unlessRefused: Bool) throws -> [String: JSONValue]? {
        let reply: VarlinkReply
        do {
            let connection = try VarlinkConnection(path: options.socket)
            reply = try connection.call(method, parameters)
        } catch let error as VarlinkConnection.ConnectionError {
            Self.unreachable(options.socket, error)
        }
        if unlessRefused, reply.error == "org.varlink.service.PermissionDenied" { return nil }
        if let name = reply.error {
            let sentence = ErrorSentence(error: name, parameters: reply.parameters, method: method, uid: getuid())
            Self.fail(sentence.text + " (\(name))", status: sentence.status)
        }
        if options.json {
            print(Self.json(.object(reply.parameters)))
        }
        return reply.parameters
    }

    /// Says the daemon cannot be reached, how to look into it, and exits 69.
    static func unreachable(_ socket: String, _ error: any Error) -> Never {
        fail(
            "cannot reach hotlined at \(socket) (\(error)). Is it running? Try: systemctl status hotlined.socket",
            status: ExitStatus.unreachable
        )
    }

    /// Prints `hotlinectl: sentence` on standard error and exits.
    static func fail(_ sentence: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data("hotlinectl: \(sentence)\n".utf8))
        exit(status)
    }

    static func json(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }
}

/// Reads `-` as standard input, anything else as it is.
func textArgument(_ value: String) -> String {
    guard value == "-" else { return value }
    let data = FileHandle.standardInput.readDataToEndOfFile()
    return String(decoding: data, as: UTF8.self)
}
