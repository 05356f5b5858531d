import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Work that must not take the processor from the calls being answered (a backup's copy and
/// checksum): run on a thread of its own at a lower scheduling priority (nice 10), off the
/// cooperative pool. The thread ends with the work, so its priority never needs raising back,
/// which an unprivileged daemon could not do.
public enum LowPriority {
    /// The nice value of the thread.
    public static let nice: Int32 = 10

    /// Runs `body` on a new low-priority thread and returns its result.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                // On Linux the nice value is the calling thread's own.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice)
                continuation.resume(with: Result(catching: body))
            }
            thread.name = "hotline-low-priority"
            thread.start()
        }
    }
}
