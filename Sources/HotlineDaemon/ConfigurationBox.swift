import HotlineCore
import Synchronization

/// The configuration in force. A reload swaps the whole value at once; a request reads it
/// once and uses that value throughout.
public final class ConfigurationBox: Sendable {
    private let value: Mutex<HotlineConfiguration>

    /// Wraps the start-up configuration.
    public init(_ configuration: HotlineConfiguration) {
        value = Mutex(configuration)
    }

    /// The configuration in force now.
    public var current: HotlineConfiguration { value.withLock { $0 } }

    /// Puts a new configuration in force.
    public func replace(with configuration: HotlineConfiguration) {
        value.withLock { $0 = configuration }
    }
}
