import Foundation
import Synchronization
import Varlink

/// An open-loop Submit load: `rate` submissions a second spread over `connections`
/// connections, each sent at its appointed time whether or not the one before has been
/// answered late. A submission's latency runs from its appointed time, not from when it was
/// sent, so that a stall counts for every call it held up (no coordinated omission).
public final class PacedSubmitter: Sendable {
    /// One submission: when it was due to be sent, and how long from then until its answer.
    public struct Sample: Sendable {
        /// The appointed time, in nanoseconds of `DispatchTime`.
        public var due: UInt64
        /// Milliseconds from `due` to the answer.
        public var milliseconds: Double
    }

    private let socket: String
    private let tag: String
    private let rate: Double
    private let connections: Int
    private let running = Atomic<Bool>(false)
    private let samples = Mutex<[Sample]>([])
    private let failures = Mutex<[String]>([])
    private let finished = DispatchGroup()

    /// A load of `rate` Submits a second over `connections` connections to `socket`; `tag`
    /// keeps its submission ids apart from others'.
    public init(socket: String, tag: String, rate: Double, connections: Int) {
        self.socket = socket
        self.tag = tag
        self.rate = rate
        self.connections = connections
    }

    /// Starts the load.
    public func start() {
        running.store(true, ordering: .sequentiallyConsistent)
        let start = DispatchTime.now().uptimeNanoseconds
        let interval = UInt64(Double(connections) / rate * 1e9)
        for client in 0..<connections {
            finished.enter()
            let thread = Thread { [self] in
                defer { finished.leave() }
                guard let connection = try? VarlinkConnection(path: socket) else {
                    failures.withLock { $0.append("client \(client) could not connect") }
                    return
                }
                // The clients' appointments interleave evenly.
                var due = start + interval * UInt64(client) / UInt64(connections)
                var sequence = 0
                while running.load(ordering: .sequentiallyConsistent) {
                    let now = DispatchTime.now().uptimeNanoseconds
                    if due > now { usleep(UInt32((due - now) / 1000)) }
                    sequence += 1
                    let reply = try? connection.call(
                        "org.hotline.Dispatch.Submit",
                        [
                            "channel": "mailbox", "submissionId": .string("paced-\(tag)-\(client)-\(sequence)"),
                            "content": "停水三天，请尽快处理。",
                        ]
                    )
                    guard let reply, reply.error == nil else {
                        failures.withLock { $0.append("client \(client): \(String(describing: reply))") }
                        return
                    }
                    let answered = DispatchTime.now().uptimeNanoseconds
                    samples.withLock { $0.append(Sample(due: due, milliseconds: Double(answered - due) / 1e6)) }
                    due += interval
                }
            }
            thread.start()
        }
    }

    /// Stops after the submissions in flight; returns every sample and the failures.
    public func stop() -> (samples: [Sample], failures: [String]) {
        running.store(false, ordering: .sequentiallyConsistent)
        finished.wait()
        return (samples.withLock { $0 }, failures.withLock { $0 })
    }
}
