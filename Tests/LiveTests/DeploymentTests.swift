import Foundation
import HotlineTesting
import Testing

/// The real thing: systemd as PID 1 in a booted Debian container, hotline installed with
/// scripts/install (see scripts/testing/nspawn-deploy for every check it makes).
@Suite("Deployment under systemd-nspawn", .enabled(if: isRoot, "needs root (nspawn)"))
struct DeploymentTests {
    @Test("Install, socket activation, reload, status, journal, catalog and the watchdog in a booted container")
    func deploy() throws {
        let run = try ProcessResult.run(repository + "/scripts/testing/nspawn-deploy", [BuildProducts.directory])
        for line in run.stdout.split(separator: "\n") where line.hasPrefix("FAIL") {
            Issue.record("\(line)")
        }
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr.suffix(2000))")
        #expect(run.stdout.contains("deployment: all checks passed"))
    }
}
