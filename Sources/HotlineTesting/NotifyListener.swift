import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `NOTIFY_SOCKET`: a Unix datagram socket that collects what `sd_notify` sends.
public final class NotifyListener {
    /// The socket path to pass as `NOTIFY_SOCKET`.
    public let path: String
    private let fd: Int32
    /// Every datagram received so far, in order.
    public private(set) var messages: [String] = []

    /// Binds a datagram socket at `path`.
    public init(path: String) throws {
        self.path = path
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// Receives datagrams until one after message `after` contains `line` (returns true) or
    /// `timeout` seconds pass.
    @discardableResult
    public func wait(for line: String, after: Int = -1, timeout: Double = 10) -> Bool {
        if index(of: line, after: after) != nil { return true }
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { continue }
            let message = String(decoding: buffer[..<n], as: UTF8.self)
            messages.append(message)
            if message.split(separator: "\n").contains(Substring(line)) { return true }
        }
        return false
    }

    /// The index of the first message containing `line` after `index`, if any.
    public func index(of line: String, after index: Int = -1) -> Int? {
        messages.indices.first { $0 > index && messages[$0].split(separator: "\n").contains(Substring(line)) }
    }
}
