import Foundation

/// Where the package's executables were built: beside the running test binary, or in
/// `HOTLINE_BIN_DIR`.
public enum BuildProducts {
    /// The build products folder.
    public static var directory: String {
        if let dir = ProcessInfo.processInfo.environment["HOTLINE_BIN_DIR"] { return dir }
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The test binary lives in …/debug/hotlinePackageTests.xctest (a file on Linux).
        while !FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("hotlined").path),
            url.path != "/"
        {
            url.deleteLastPathComponent()
        }
        return url.path
    }

    /// The `hotlined` binary.
    public static var hotlined: String { directory + "/hotlined" }
    /// The `hotlinectl` binary.
    public static var hotlinectl: String { directory + "/hotlinectl" }
}
