/// A configuration file that cannot be used, with where and why.
///
/// At start-up it stops the daemon; on reload the old configuration stays in force.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file.
    public var file: String
    /// The line, where known.
    public var line: Int?
    /// The dotted key, e.g. `sla.claim` or `unit[2].id`; empty for a syntax error.
    public var key: String
    /// What is wrong and what to write instead.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int?, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// `FILE:LINE: key: message`.
    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}
