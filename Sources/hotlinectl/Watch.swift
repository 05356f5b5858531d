import ArgumentParser
import Foundation
import HotlineClient
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// `hotlinectl watch`: prints each notice as it arrives, one line each, until interrupted; if
/// the daemon goes away (a restart), it says so on standard error and reconnects with
/// backoff (0.5 s doubling to 30 s).
struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print notices as they arrive, one line each, until interrupted; reconnects if the daemon restarts."
    )

    @OptionGroup var global: GlobalOptions
    @Flag(
        name: .customLong("no-reconnect"),
        help: "Exit (status 69) when the daemon goes away instead of reconnecting."
    )
    var noReconnect = false

    static let firstBackoff = 0.5
    static let longestBackoff = 30.0

    func run() throws {
        let text = global.text
        var backoff = Self.firstBackoff
        var everConnected = false
        while true {
            do {
                let connection = try VarlinkConnection(path: global.socket)
                try connection.send(VarlinkCall(method: "org.hotline.Dispatch.Watch", more: true))
                if everConnected { note("reconnected to \(global.socket)") }
                everConnected = true
                var answered = false
                while true {
                    let reply = try connection.receive()
                    if let name = reply.error {
                        let sentence = ErrorSentence(
                            error: name,
                            parameters: reply.parameters,
                            method: "org.hotline.Dispatch.Watch",
                            uid: getuid()
                        )
                        Client.fail(sentence.text + " (\(name))", status: sentence.status)
                    }
                    if !answered {
                        answered = true
                        backoff = Self.firstBackoff
                    }
                    guard let notice = reply.parameters["notice"] else { continue }
                    emit(global.json ? String(decoding: notice.serialized, as: UTF8.self) : text.notice(notice))
                }
            } catch {
                if noReconnect {
                    if everConnected { Client.fail("the daemon closed the watch", status: ExitStatus.unreachable) }
                    Client.unreachable(global.socket, error)
                }
                note(
                    "\(everConnected ? "lost the daemon" : "cannot reach the daemon") at \(global.socket) (\(error)); "
                        + "retrying in \(backoff) s"
                )
                usleep(UInt32(backoff * 1_000_000))
                backoff = min(backoff * 2, Self.longestBackoff)
            }
        }
    }

    /// Writes a line straight through, so that a pipe sees each notice as it comes.
    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private func note(_ line: String) {
        FileHandle.standardError.write(Data("hotlinectl: \(line)\n".utf8))
    }
}
