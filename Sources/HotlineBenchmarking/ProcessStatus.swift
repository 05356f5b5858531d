import Foundation

/// Figures of a running process from `/proc`.
public enum ProcessStatus {
    /// A field of `/proc/PID/status` (`VmRSS`, `VmHWM`…) as the kernel writes it ("63412 kB"),
    /// "?" when the process is gone.
    public static func field(_ field: String, of pid: Int32) -> String {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return "?" }
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().joined(separator: " ")
    }
}
