import Synchronization

/// How many per-ticket lines the SLA clock's follow-up writes to the journal: a token bucket
/// of ``lines`` per ``window``, journald's own rate-limit window. journald drops a service's
/// lines past its limit (`RateLimitBurst=10000` per `RateLimitIntervalSec=30s`, scaled up with
/// the journal's free space) and ops would lose entries without knowing which; past this
/// budget the follow-up counts instead, and writes one summary line per unit and kind, so
/// that every passing is accounted for and the ops view stays readable. Each ticket's history
/// in the database holds every passing whatever the journal shows.
final class JournalBudget: Sendable {
    /// Lines per window.
    let lines: Int
    /// The window over which the budget refills.
    let window: Duration

    private struct Bucket {
        var tokens: Double
        var at: ContinuousClock.Instant
    }
    private let bucket: Mutex<Bucket>

    /// A budget of `lines` per `window`, full at first.
    init(lines: Int = 2000, window: Duration = .seconds(30)) {
        self.lines = lines
        self.window = window
        bucket = Mutex(Bucket(tokens: Double(lines), at: .now))
    }

    /// Takes one line from the budget; false when it is spent.
    func take() -> Bool {
        let now = ContinuousClock.now
        return bucket.withLock { bucket in
            let elapsed = now - bucket.at
            bucket.tokens = min(Double(lines), bucket.tokens + elapsed.seconds / window.seconds * Double(lines))
            bucket.at = now
            guard bucket.tokens >= 1 else { return false }
            bucket.tokens -= 1
            return true
        }
    }
}
