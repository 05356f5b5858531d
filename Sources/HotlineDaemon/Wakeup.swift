import Synchronization

/// Lets one task sleep until a timeout or a signal, whichever comes first. A signal sent
/// while nobody waits is kept for the next wait.
///
/// Each wait has an id of its own. Its timeout and its cancellation end that wait only: a
/// timer that fires late, after its wait has already ended, finds another id (or none) and
/// does nothing, and neither ever leaves a signal pending. So a kept signal is always a
/// real one, and one that comes in while a wait is ending is kept for the next.
final class Wakeup: Sendable {
    private struct State {
        /// A signal came while nobody waited.
        var pending = false
        /// The id of the wait in progress (0: none).
        var current: UInt64 = 0
        /// The last id handed out.
        var lastID: UInt64 = 0
        /// The wait in progress timed out or was cancelled before it had suspended.
        var ended = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Wakes the waiter, or the next one.
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Waits for a signal, at most `timeout`; returns early when the task is cancelled.
    func wait(timeout: Duration) async {
        let id = state.withLock { state -> UInt64 in
            state.lastID += 1
            state.current = state.lastID
            state.ended = false
            return state.lastID
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.end(id)
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.pending {
                            state.pending = false
                            return true
                        }
                        if state.ended { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                self.end(id)
            }
            group.cancelAll()
        }
        state.withLock { state in
            if state.current == id {
                state.current = 0
                state.waiter = nil
            }
        }
    }

    /// Ends wait `id` if it is still the one in progress (its timeout or its cancellation).
    private func end(_ id: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.current == id else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.ended = true
            return nil
        }
        waiter?.resume()
    }
}
