import Foundation
import Synchronization
import Varlink

/// A client that submits in a closed loop on its own thread and records each round trip,
/// to show what a caller waits while something else (a sweep) holds the writer.
public final class SubmitProbe: Sendable {
    private let socket: String
    private let tag: String
    private let running = Atomic<Bool>(false)
    private let latencies = Mutex<[Double]>([])
    private let finished = DispatchSemaphore(value: 0)

    /// A probe of the daemon at `socket`; `tag` keeps its submission ids apart from other probes'.
    public init(socket: String, tag: String) {
        self.socket = socket
        self.tag = tag
    }

    /// Starts submitting.
    public func start() {
        running.store(true, ordering: .sequentiallyConsistent)
        let thread = Thread { [self] in
            defer { finished.signal() }
            guard let connection = try? VarlinkConnection(path: socket) else { return }
            var sequence = 0
            while running.load(ordering: .sequentiallyConsistent) {
                sequence += 1
                let start = DispatchTime.now().uptimeNanoseconds
                let reply = try? connection.call(
                    "org.hotline.Dispatch.Submit",
                    [
                        "channel": "mailbox",
                        "submissionId": .string(
                            "probe-\(tag)-\(ProcessInfo.processInfo.processIdentifier)-\(sequence)"
                        ),
                        "content": "停水三天，请尽快处理。",
                    ]
                )
                guard let reply, reply.error == nil else { break }
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                latencies.withLock { $0.append(elapsed) }
            }
        }
        thread.start()
    }

    /// Stops after the submission in flight and returns every round trip in milliseconds.
    public func stop() -> [Double] {
        running.store(false, ordering: .sequentiallyConsistent)
        finished.wait()
        return latencies.withLock { $0 }
    }
}
