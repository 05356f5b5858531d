import ArgumentParser
import Foundation
import Varlink

/// `hotlinectl watch`: prints each notice as it arrives, one line each, until interrupted.
struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print notices as they arrive (one line each) until interrupted.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let connection: VarlinkConnection
        do {
            connection = try VarlinkConnection(path: global.socket)
            try connection.send(VarlinkCall(method: "org.hotline.Dispatch.Watch", more: true))
        } catch let error as VarlinkConnection.ConnectionError {
            FileHandle.standardError.write(Data("hotlinectl: \(error)\nIs the daemon running? Try: systemctl status hotlined.socket\n".utf8))
            throw ExitCode(ExitStatus.unreachable)
        }
        while true {
            let reply: VarlinkReply
            do {
                reply = try connection.receive()
            } catch VarlinkConnection.ConnectionError.closed {
                FileHandle.standardError.write(Data("hotlinectl: the daemon closed the watch\n".utf8))
                throw ExitCode(ExitStatus.unreachable)
            }
            if let name = reply.error {
                FileHandle.standardError.write(Data("hotlinectl: \(name)\n".utf8))
                throw ExitCode(Client.status(for: name))
            }
            guard let notice = reply.parameters["notice"] else { continue }
            if global.json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                emit(String(decoding: (try? encoder.encode(notice)) ?? Data(), as: UTF8.self))
            } else {
                let fields = ["at", "kind", "ticket", "unit", "deadline"].map { Client.plain(notice[$0] ?? .null) }
                emit(fields.joined(separator: "\t"))
            }
        }
    }

    /// Writes a line straight through, so that a pipe sees each notice as it comes.
    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
