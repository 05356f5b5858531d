import Foundation
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// A `hotlined` that a benchmark starts on a database of its own, with a connection to it;
/// killed when the benchmark is done with it.
public final class LaunchedDaemon {
    /// The daemon's process.
    public let process: Process
    /// A connection to its socket.
    public let client: VarlinkConnection

    /// Starts `hotlined` with `arguments` and waits up to `patience` for `socket` to answer.
    public init(hotlined: String, socket: String, arguments: [String], patience: Duration = .seconds(60)) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: hotlined)
        process.arguments = ["--socket", socket] + arguments
        try process.run()
        let deadline = ContinuousClock.now + patience
        var connection: VarlinkConnection?
        while connection == nil, ContinuousClock.now < deadline, process.isRunning {
            connection = try? VarlinkConnection(path: socket)
            if connection == nil { usleep(50_000) }
        }
        guard let connection else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw LaunchError(socket: socket)
        }
        client = connection
    }

    /// The daemon did not answer on its socket.
    public struct LaunchError: Error, CustomStringConvertible {
        /// The socket that never answered.
        public let socket: String
        public var description: String { "hotlined did not answer on \(socket)" }
    }

    /// Calls `method` and returns its round trip in milliseconds and the reply; an error reply
    /// is thrown.
    public func timed(_ method: String, _ parameters: [String: JSONValue]) throws -> (Double, VarlinkReply) {
        let start = DispatchTime.now().uptimeNanoseconds
        let reply = try client.call(method, parameters)
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        if let error = reply.error { throw CallError(method: method, error: error, parameters: reply.parameters) }
        return (ms, reply)
    }

    /// A method answered with an error.
    public struct CallError: Error, CustomStringConvertible {
        public let method: String
        public let error: String
        public let parameters: [String: JSONValue]
        public var description: String { "\(method): \(error) \(parameters)" }
    }

    /// Kills the daemon and waits for it.
    public func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { stop() }
    }
}
