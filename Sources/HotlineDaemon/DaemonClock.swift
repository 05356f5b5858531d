import Foundation
import Synchronization

/// The daemon's source of "now": the system clock, or with `--manual-clock` a clock that
/// moves only when `org.hotline.Testing.SetTime` says so (contract §6).
public final class DaemonClock: Sendable {
    private let manualTime: Mutex<Date>

    /// Whether this is the manual clock.
    public let isManual: Bool

    /// The system clock.
    public static func system() -> DaemonClock { DaemonClock(manual: false, start: Date()) }

    /// A manual clock starting at the real time.
    public static func manual(startingAt start: Date = Date()) -> DaemonClock {
        DaemonClock(manual: true, start: start)
    }

    private init(manual: Bool, start: Date) {
        isManual = manual
        manualTime = Mutex(start)
    }

    /// The current time, to the millisecond (what the store keeps).
    public func now() -> Date {
        let date = isManual ? manualTime.withLock { $0 } : Date()
        return Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }

    /// Moves the manual clock; returns false on the system clock.
    @discardableResult
    public func set(_ date: Date) -> Bool {
        guard isManual else { return false }
        manualTime.withLock { $0 = date }
        return true
    }
}
