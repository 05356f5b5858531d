import ArgumentParser
import Foundation
import Varlink

/// Exit statuses, distinct per kind of failure so that scripts can tell them apart.
enum ExitStatus {
    /// The daemon answered with an error not listed below.
    static let failed: Int32 = 1
    /// Bad command-line usage (argument parser) or InvalidParameter.
    static let usage: Int32 = 64
    /// PermissionDenied.
    static let permission: Int32 = 77
    /// NoSuchTicket, NoSuchUnit, MethodNotFound, InterfaceNotFound.
    static let notFound: Int32 = 66
    /// InvalidTransition, SubmissionConflict.
    static let conflict: Int32 = 65
    /// The daemon could not be reached.
    static let unreachable: Int32 = 69
}

/// One call to the daemon, printing failures as a sentence and exiting with a distinct status.
struct Client {
    let options: GlobalOptions

    func call(_ method: String, _ parameters: [String: JSONValue] = [:]) throws -> [String: JSONValue] {
        let reply: VarlinkReply
        do {
            let connection = try VarlinkConnection(path: options.socket)
            reply = try connection.call(method, parameters)
        } catch let error as VarlinkConnection.ConnectionError {
            FileHandle.standardError.write(Data("hotlinectl: \(error)\nIs the daemon running? Try: systemctl status hotlined.socket\n".utf8))
            throw ExitCode(ExitStatus.unreachable)
        }
        if let name = reply.error {
            let details = reply.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.plain($0.value))" }.joined(separator: " ")
            FileHandle.standardError.write(Data("hotlinectl: \(name)\(details.isEmpty ? "" : " " + details)\n".utf8))
            throw ExitCode(Self.status(for: name))
        }
        if options.json {
            print(Self.json(.object(reply.parameters)))
        }
        return reply.parameters
    }

    static func status(for error: String) -> Int32 {
        switch error.split(separator: ".").last.map(String.init) ?? error {
        case "InvalidParameter": ExitStatus.usage
        case "PermissionDenied": ExitStatus.permission
        case "NoSuchTicket", "NoSuchUnit", "MethodNotFound", "InterfaceNotFound": ExitStatus.notFound
        case "InvalidTransition", "SubmissionConflict": ExitStatus.conflict
        default: ExitStatus.failed
        }
    }

    static func plain(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): s
        case .null: "-"
        case .bool(let b): b ? "yes" : "no"
        case .int(let i): String(i)
        case .double(let d): String(d)
        default: json(value)
        }
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
