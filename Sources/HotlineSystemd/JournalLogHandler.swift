import CSystemd
import Logging

/// A swift-log handler that writes structured entries to the systemd journal with
/// `sd_journal_sendv(3)`.
///
/// Every entry has `MESSAGE`, `PRIORITY`, `SYSLOG_IDENTIFIER`, `CODE_FILE`, `CODE_LINE`,
/// `CODE_FUNC`; metadata becomes fields: `message_id` → `MESSAGE_ID`, every other key →
/// `HOTLINE_<KEY>` upper-cased (`ticket` → `HOTLINE_TICKET`, `actor_uid` →
/// `HOTLINE_ACTOR_UID`). Callers never put citizen data or free text into metadata.
public struct JournalLogHandler: LogHandler {
    /// The identifier entries carry (`SYSLOG_IDENTIFIER`).
    public let identifier: String
    /// Metadata added to every entry of this logger.
    public var metadata: Logger.Metadata = [:]
    /// The lowest level written.
    public var logLevel: Logger.Level = .info

    /// Creates a handler.
    public init(identifier: String = "hotlined", logLevel: Logger.Level = .info) {
        self.identifier = identifier
        self.logLevel = logLevel
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The syslog priority of a level.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// The journal field name for a metadata key (`actor_uid` → `HOTLINE_ACTOR_UID`), or nil
    /// for a key that cannot be a field name.
    public static func fieldName(_ key: String) -> String? {
        if key == MessageID.metadataKey { return "MESSAGE_ID" }
        let upper = key.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
        let name = "HOTLINE_" + String(upper)
        guard name.count <= 64, name.allSatisfy({ $0.isASCII }) else { return nil }
        return name
    }

    /// Writes one entry.
    public func log(event: LogEvent) {
        var fields = [
            "MESSAGE=\(event.message)",
            "PRIORITY=\(Self.priority(event.level))",
            "SYSLOG_IDENTIFIER=\(identifier)",
            "CODE_FILE=\(event.file)",
            "CODE_LINE=\(event.line)",
            "CODE_FUNC=\(event.function)",
        ]
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            guard let name = Self.fieldName(key) else { continue }
            fields.append("\(name)=\(value)")
        }
        Self.send(fields)
    }

    /// Sends `FIELD=value` strings as one journal entry.
    static func send(_ fields: [String]) {
        var buffers = fields.map { Array($0.utf8) }
        var vectors: [iovec] = []
        vectors.reserveCapacity(buffers.count)
        for index in buffers.indices {
            buffers[index].withUnsafeMutableBytes { raw in
                vectors.append(iovec(iov_base: raw.baseAddress, iov_len: raw.count))
            }
        }
        // The pointers stay valid: `buffers` is not touched again until the call returns.
        withExtendedLifetime(buffers) {
            _ = sd_journal_sendv(vectors, Int32(vectors.count))
        }
    }
}
