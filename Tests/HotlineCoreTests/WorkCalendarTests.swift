import Foundation
import Testing

@testable import HotlineCore

@Suite("Working calendar: the official 2026 schedule, National Day week and make-up days")
struct WorkCalendarTests {
    let calendar = official2026

    @Test("Make-up days are working days; holidays and weekends are not")
    func workingDays() {
        #expect(calendar.isWorkingDay(LocalDate("2026-09-20")!))  // Sunday, make-up
        #expect(calendar.isWorkingDay(LocalDate("2026-10-10")!))  // Saturday, make-up
        #expect(!calendar.isWorkingDay(LocalDate("2026-10-01")!))  // Thursday, National Day
        #expect(!calendar.isWorkingDay(LocalDate("2026-10-07")!))  // Wednesday, holiday
        #expect(!calendar.isWorkingDay(LocalDate("2026-10-11")!))  // Sunday
        #expect(calendar.isWorkingDay(LocalDate("2026-10-08")!))  // Thursday after the week
        #expect(!calendar.isWorkingDay(LocalDate("2026-09-25")!))  // Mid-Autumn Friday
    }

    @Test("Weekdays of known dates")
    func weekdays() {
        #expect(LocalDate("2026-09-20")!.weekday == .sunday)
        #expect(LocalDate("2026-10-10")!.weekday == .saturday)
        #expect(LocalDate("2026-11-29")!.weekday == .sunday)
        #expect(LocalDate("1970-01-01")!.weekday == .thursday)
        #expect(LocalDate("2000-02-29")!.weekday == .tuesday)
        #expect(LocalDate("2026-02-29") == nil)
    }

    @Test(
        "N working days ends at workday_end of the N-th working day after the start date",
        arguments: [
            ("2026-09-18 10:00", 1, "2026-09-20 17:30"),  // Friday → the make-up Sunday
            ("2026-09-24 10:00", 1, "2026-09-28 17:30"),  // over Mid-Autumn and the weekend
            ("2026-09-21 08:00", 1, "2026-09-22 17:30"),  // the starting day is not counted
            ("2026-09-21 23:59", 1, "2026-09-22 17:30"),
            ("2026-09-30 10:00", 1, "2026-10-08 17:30"),  // over the whole National Day week
            ("2026-09-30 10:00", 3, "2026-10-10 17:30"),  // the make-up Saturday counts
            ("2026-09-30 10:00", 10, "2026-10-20 17:30"),  // measure 6's default
            ("2026-10-03 12:00", 2, "2026-10-09 17:30"),  // starting on a holiday
            ("2026-10-10 09:00", 1, "2026-10-12 17:30"),  // from the make-up Saturday
        ]
    )
    func workingDayDeadlines(start: String, days: Int, expected: String) {
        #expect(calendar.deadline(after: shanghai(start), adding: .workingDays(days)) == shanghai(expected))
    }

    @Test(
        "N working hours counts only working time",
        arguments: [
            ("2026-09-21 10:00", 2, "2026-09-21 12:00"),
            ("2026-09-21 16:30", 1, "2026-09-21 17:30"),  // ends exactly at workday_end
            ("2026-09-21 17:00", 2, "2026-09-22 10:30"),  // across the evening
            ("2026-09-21 20:00", 1, "2026-09-22 10:00"),  // starts outside working hours
            ("2026-09-21 06:00", 1, "2026-09-21 10:00"),  // before the day starts
            ("2026-09-30 16:30", 2, "2026-10-08 10:00"),  // across the National Day week
            ("2026-10-03 12:00", 2, "2026-10-08 11:00"),  // from a holiday
            ("2026-10-10 08:00", 2, "2026-10-10 11:00"),  // on the make-up Saturday
            ("2026-10-10 17:00", 2, "2026-10-12 10:30"),  // the make-up Saturday into Monday
            ("2026-10-09 20:00", 1, "2026-10-10 10:00"),  // Friday evening into the make-up Saturday
            ("2026-09-18 17:00", 1, "2026-09-20 09:30"),  // Friday into the make-up Sunday
            ("2026-09-21 10:00", 9, "2026-09-22 10:30"),  // more than a working day (8.5 h)
        ]
    )
    func workingHourDeadlines(start: String, hours: Int, expected: String) {
        #expect(calendar.deadline(after: shanghai(start), adding: .workingHours(hours)) == shanghai(expected))
    }

    @Test("Wall-clock durations ignore the calendar")
    func wallClock() {
        let start = shanghai("2026-09-30 12:00")
        #expect(calendar.deadline(after: start, adding: .hours(24)) == shanghai("2026-10-01 12:00"))
        #expect(calendar.deadline(after: start, adding: .minutes(30)) == shanghai("2026-09-30 12:30"))
        #expect(calendar.deadline(after: start, adding: .days(3)) == shanghai("2026-10-03 12:00"))
    }

    @Test("The calendar's zone decides the local date")
    func timeZones() {
        var utc = official2026
        utc.timeZone = TimeZone(identifier: "UTC")!
        // 2026-09-30 02:00 in Shanghai is 2026-09-29 18:00 UTC.
        let instant = shanghai("2026-09-30 02:00")
        #expect(official2026.localDate(of: instant) == LocalDate("2026-09-30"))
        #expect(utc.localDate(of: instant) == LocalDate("2026-09-29"))
        // One working day in UTC: Wednesday 9/30 17:30 UTC.
        let expected = utc.instant(on: LocalDate("2026-09-30")!, at: TimeOfDay("17:30")!)
        #expect(utc.deadline(after: instant, adding: .workingDays(1)) == expected)
        #expect(expected.timeIntervalSince(shanghai("2026-09-30 17:30")) == 8 * 3600)
    }

    @Test("Years without published holidays are reported")
    func uncoveredYears() {
        #expect(calendar.uncoveredYears(from: shanghai("2026-12-30 10:00"), to: shanghai("2026-12-31 10:00")).isEmpty)
        let end = calendar.deadline(after: shanghai("2026-12-30 10:00"), adding: .workingDays(3))
        #expect(calendar.localDate(of: end) == LocalDate("2027-01-04"))  // weekends only in 2027
        #expect(calendar.uncoveredYears(from: shanghai("2026-12-30 10:00"), to: end) == [2027])
    }
}

@Suite("SLA durations as the configuration writes them")
struct SLADurationTests {
    @Test(
        "Every form parses and prints back",
        arguments: [
            ("30 minutes", SLADuration.minutes(30)), ("1 hours", .hours(1)), ("1 hour", .hours(1)),
            ("3 days", .days(3)),
            ("2 working hours", .workingHours(2)), ("10 working days", .workingDays(10)),
            ("1 working day", .workingDays(1)),
        ]
    )
    func parses(text: String, expected: SLADuration) {
        #expect(SLADuration(text) == expected)
        #expect(SLADuration(expected.description) == expected)
    }

    @Test(
        "Nonsense is refused",
        arguments: ["", "0 days", "-1 hours", "2 weeks", "two days", "2 workinghours", "2 working", "1.5 hours"]
    )
    func refuses(text: String) {
        #expect(SLADuration(text) == nil)
    }
}
