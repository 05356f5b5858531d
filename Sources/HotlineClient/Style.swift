#if canImport(Glibc)
import Glibc
#endif

/// Terminal colours, used only when standard output is a terminal and `NO_COLOR` is not set
/// (https://no-color.org). Everything else gets plain text.
public struct Style: Sendable {
    /// Whether escape sequences are written at all.
    public var enabled: Bool

    /// Styles on or off explicitly (tests, `--json`).
    public init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Colour when standard output is a terminal and `NO_COLOR` is unset or empty.
    public static func forStandardOutput(environment: [String: String]) -> Style {
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return Style(enabled: !noColor && isatty(STDOUT_FILENO) == 1)
    }

    /// Overdue, errors.
    public func red(_ text: String) -> String { wrap(text, "31") }
    /// Due soon, pending.
    public func yellow(_ text: String) -> String { wrap(text, "33") }
    /// Done, on time.
    public func green(_ text: String) -> String { wrap(text, "32") }
    /// Supervised (督办).
    public func magenta(_ text: String) -> String { wrap(text, "35") }
    /// Headings.
    public func bold(_ text: String) -> String { wrap(text, "1") }
    /// Secondary text.
    public func dim(_ text: String) -> String { wrap(text, "2") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// Text without escape sequences (for measuring width).
    public static func strip(_ text: String) -> String {
        guard text.contains("\u{1B}") else { return text }
        var result = ""
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
