import Foundation

/// The working calendar: which days are worked, the working hours, and deadline arithmetic
/// on them (contract §4). Pure: it never reads the clock.
public struct WorkCalendar: Sendable, Hashable {
    /// The zone in which dates and working hours are read.
    public var timeZone: TimeZone
    /// When a working day starts (default 09:00).
    public var workdayStart: TimeOfDay
    /// When a working day ends (default 17:30).
    public var workdayEnd: TimeOfDay
    /// The weekend days (default Saturday and Sunday).
    public var weekend: Set<Weekday>
    /// The years whose official holidays `holidays` and `workdays` hold.
    public var years: Set<Int>
    /// Official holidays: not worked even when they fall on a weekday.
    public var holidays: Set<LocalDate>
    /// Make-up working days (调休): worked even when they fall on a weekend day.
    public var workdays: Set<LocalDate>

    /// Creates a calendar; the defaults are the contract's.
    public init(
        timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!,
        workdayStart: TimeOfDay = TimeOfDay(hour: 9, minute: 0)!,
        workdayEnd: TimeOfDay = TimeOfDay(hour: 17, minute: 30)!,
        weekend: Set<Weekday> = [.saturday, .sunday],
        years: Set<Int> = [],
        holidays: Set<LocalDate> = [],
        workdays: Set<LocalDate> = []
    ) {
        self.timeZone = timeZone
        self.workdayStart = workdayStart
        self.workdayEnd = workdayEnd
        self.weekend = weekend
        self.years = years
        self.holidays = holidays
        self.workdays = workdays
    }

    /// Whether `date` is a working day: a make-up day, or neither a weekend day nor a holiday.
    public func isWorkingDay(_ date: LocalDate) -> Bool {
        if workdays.contains(date) { return true }
        if holidays.contains(date) { return false }
        return !weekend.contains(date.weekday)
    }

    /// The local date of an instant in the calendar's zone.
    public func localDate(of instant: Date) -> LocalDate {
        let local = instant.timeIntervalSince1970 + TimeInterval(timeZone.secondsFromGMT(for: instant))
        return LocalDate(daysSinceEpoch: Int((local / 86400).rounded(.down)))
    }

    /// The instant at `time` on `date` in the calendar's zone.
    public func instant(on date: LocalDate, at time: TimeOfDay) -> Date {
        let local = TimeInterval(date.daysSinceEpoch) * 86400 + TimeInterval(time.minutes) * 60
        let guess = Date(
            timeIntervalSince1970: local
                - TimeInterval(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: local)))
        )
        return Date(timeIntervalSince1970: local - TimeInterval(timeZone.secondsFromGMT(for: guess)))
    }

    /// The deadline `duration` after `start`.
    ///
    /// - `N working days`: `workday_end` of the N-th working day after `start`'s local date
    ///   (the starting day is not counted).
    /// - `N working hours`: only time inside working hours counts, from `start` or from the
    ///   next start of working hours when `start` is outside them.
    /// - wall-clock durations: a plain addition.
    public func deadline(after start: Date, adding duration: SLADuration) -> Date {
        switch duration {
        case .minutes, .hours, .days:
            return start.addingTimeInterval(duration.wallClockSeconds!)
        case .workingDays(let n):
            var day = localDate(of: start)
            var counted = 0
            while counted < n {
                day = day.next
                if isWorkingDay(day) { counted += 1 }
            }
            return instant(on: day, at: workdayEnd)
        case .workingHours(let n):
            var remaining = TimeInterval(n) * 3600
            var day = localDate(of: start)
            var cursor = start
            while true {
                if isWorkingDay(day) {
                    let opens = instant(on: day, at: workdayStart)
                    let closes = instant(on: day, at: workdayEnd)
                    let from = max(cursor, opens)
                    if from < closes {
                        let available = closes.timeIntervalSince(from)
                        if remaining <= available { return from.addingTimeInterval(remaining) }
                        remaining -= available
                    }
                }
                day = day.next
                cursor = instant(on: day, at: TimeOfDay(hour: 0, minute: 0)!)
            }
        }
    }

    /// The years between two instants (inclusive) whose holidays the calendar does not hold.
    ///
    /// A deadline in such a year is still computed, with weekends only; the daemon warns once
    /// per year.
    public func uncoveredYears(from start: Date, to end: Date) -> [Int] {
        let first = localDate(of: min(start, end)).year
        let last = localDate(of: max(start, end)).year
        return (first...last).filter { !years.contains($0) }
    }

    /// Whether working hours are a sensible, non-empty window.
    public var hasWorkingHours: Bool { workdayStart < workdayEnd }
}
