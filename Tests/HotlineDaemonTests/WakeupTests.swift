import Foundation
import Testing

@testable import HotlineDaemon

/// A wait that must end early is given an hour: were its signal lost or its cancellation
/// ignored, the suite's time limit would fail it. (Upper bounds in seconds do not hold while
/// the whole test suite keeps the machine's two cores busy.)
@Suite("Wakeup: a sleep that a signal, its timeout or cancellation ends", .timeLimit(.minutes(3)))
struct WakeupTests {
    /// How long `body` took.
    static func timed(_ body: () async -> Void) async -> Duration {
        let start = ContinuousClock.now
        await body()
        return ContinuousClock.now - start
    }

    @Test("A signal sent while nobody waits ends the next wait at once")
    func keptSignal() async {
        let wakeup = Wakeup()
        wakeup.signal()
        #expect(await Self.timed { await wakeup.wait(timeout: .seconds(3600)) } < .seconds(3600))
    }

    @Test("A wait that a signal ended leaves nothing pending: the next one runs to its timeout")
    func nothingLeftOver() async {
        let wakeup = Wakeup()
        for _ in 0..<20 {
            let waiting = Task { await wakeup.wait(timeout: .seconds(3600)) }
            try? await Task.sleep(for: .milliseconds(5))
            wakeup.signal()
            await waiting.value
        }
        // The timers of those twenty waits were cancelled; none of them may count as a signal.
        #expect(await Self.timed { await wakeup.wait(timeout: .milliseconds(300)) } >= .milliseconds(300))
    }

    @Test("A wait that timed out leaves nothing pending, and a later signal is kept")
    func timeoutThenSignal() async {
        let wakeup = Wakeup()
        for _ in 0..<20 { await wakeup.wait(timeout: .milliseconds(1)) }
        #expect(await Self.timed { await wakeup.wait(timeout: .milliseconds(300)) } >= .milliseconds(300))
        wakeup.signal()
        #expect(await Self.timed { await wakeup.wait(timeout: .seconds(3600)) } < .seconds(3600))
    }

    @Test("Cancelling the waiting task ends its wait")
    func cancellation() async {
        let wakeup = Wakeup()
        let elapsed = await Self.timed {
            let waiting = Task { await wakeup.wait(timeout: .seconds(3600)) }
            try? await Task.sleep(for: .milliseconds(20))
            waiting.cancel()
            await waiting.value
        }
        #expect(elapsed < .seconds(3600))
        // The cancelled wait left nothing behind.
        #expect(await Self.timed { await wakeup.wait(timeout: .milliseconds(200)) } >= .milliseconds(200))
    }
}
