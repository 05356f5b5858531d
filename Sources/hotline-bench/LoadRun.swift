import Foundation
import Histogram
import Synchronization

/// What one run measured.
struct LoadResult: Sendable {
    var target: String
    var connections: Int
    var seconds: Double
    var completed: Int
    var failures: Int
    var firstFailure: String?
    /// Latencies in microseconds.
    var histogram: Histogram<UInt64>
    /// CPU seconds the server used during the run (user and system), when measured.
    var serverCPU: Double?

    var throughput: Double { Double(completed) / seconds }
    /// The server's CPU time per answered request, in microseconds.
    var serverCPUPerRequest: Double? { serverCPU.map { $0 / Double(max(completed, 1)) * 1e6 } }
    func percentile(_ p: Double) -> Double { Double(histogram.valueAtPercentile(p)) / 1000 }
}

/// Drives a target with one thread per connection for a fixed time.
///
/// Closed loop: each connection sends its next request as soon as the answer to the last one
/// is in. Open loop (`rate`): requests are due at fixed intervals whatever the server does,
/// and a request's latency counts from when it was due, so a stalled server shows up in the
/// percentiles instead of slowing the load down (no coordinated omission).
struct LoadRun {
    var target: any LoadTarget
    var connections: Int
    var duration: Double
    /// Requests per second offered over all connections; nil for the closed loop.
    var rate: Double?

    func run() throws -> LoadResult {
        let merged = Mutex(
            LoadResult(
                target: target.name,
                connections: connections,
                seconds: duration,
                completed: 0,
                failures: 0,
                histogram: Histogram<UInt64>(highestTrackableValue: 60_000_000)
            )
        )
        var clients: [any LoadConnection] = []
        for client in 0..<connections { clients.append(try target.connect(client: client)) }
        let start = DispatchTime.now().uptimeNanoseconds + 50_000_000
        let stop = start + UInt64(duration * 1e9)
        let interval = rate.map { UInt64(Double(connections) / $0 * 1e9) }
        let group = DispatchGroup()
        for (index, client) in clients.enumerated() {
            group.enter()
            let box = ConnectionBox(client)
            let thread = Thread {
                var connection = box.connection
                var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000)
                var completed = 0
                var failures = 0
                var firstFailure: String?
                // Open loop: spread the connections' first requests over one interval.
                var due = start + (interval.map { $0 * UInt64(index) / UInt64(connections) } ?? 0)
                Self.sleep(until: start)
                var sequence = 0
                while true {
                    if interval != nil {
                        Self.sleep(until: due)
                    } else {
                        due = DispatchTime.now().uptimeNanoseconds
                    }
                    if due >= stop { break }
                    sequence += 1
                    do {
                        try connection.roundTrip(sequence)
                        let end = DispatchTime.now().uptimeNanoseconds
                        if end <= stop + 1_000_000_000 {
                            histogram.record((end - due) / 1000)
                            completed += 1
                        }
                    } catch {
                        failures += 1
                        if firstFailure == nil { firstFailure = "\(error)" }
                        if failures > 10 { break }
                    }
                    if let interval { due += interval }
                }
                connection.close()
                merged.withLock {
                    $0.histogram.add(histogram)
                    $0.completed += completed
                    $0.failures += failures
                    if $0.firstFailure == nil { $0.firstFailure = firstFailure }
                }
                group.leave()
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
        group.wait()
        return merged.withLock { $0 }
    }

    static func sleep(until deadline: UInt64) {
        let now = DispatchTime.now().uptimeNanoseconds
        guard deadline > now else { return }
        var request = timespec(
            tv_sec: Int((deadline - now) / 1_000_000_000),
            tv_nsec: Int((deadline - now) % 1_000_000_000)
        )
        nanosleep(&request, nil)
    }
}

/// Hands a connection to its thread.
final class ConnectionBox: @unchecked Sendable {
    let connection: any LoadConnection
    init(_ connection: any LoadConnection) { self.connection = connection }
}
