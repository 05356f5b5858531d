#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A blocking client connection to a Varlink service on a Unix socket, for command-line
/// clients and tests. Not for use inside the daemon's event loop.
public final class VarlinkConnection {
    /// Why talking to the service failed (transport, not a Varlink error reply).
    public enum ConnectionError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The socket could not be reached; `errno` says why (no daemon, no permission).
        case cannotConnect(path: String, errno: Int32)
        /// The service hung up before answering.
        case closed
        /// A read or write failed with `errno`.
        case io(errno: Int32)
        /// The reply was larger than the message limit.
        case replyTooLarge

        /// A sentence for people.
        public var description: String {
            switch self {
            case .cannotConnect(let path, let e): "cannot connect to \(path): \(String(cString: strerror(e)))"
            case .closed: "the daemon closed the connection"
            case .io(let e): "socket error: \(String(cString: strerror(e)))"
            case .replyTooLarge: "the reply exceeded the message size limit"
            }
        }
    }

    private let fd: Int32
    private var buffer: [UInt8] = []
    /// The largest reply accepted (the daemon's limit, with room for framing).
    public var maximumReplySize = VarlinkLimits.maximumMessageSize * 2

    /// Connects to the socket at `path`.
    public init(path: String) throws {
        // The descriptor is stored only once connected: a class whose initializer throws
        // after every property is set runs its deinit, which would close the descriptor a
        // second time (by then perhaps another thread's new socket).
        let socketFD = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socketFD >= 0 else { throw ConnectionError.io(errno: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(socketFD)
            throw ConnectionError.cannotConnect(path: path, errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let e = errno
            close(socketFD)
            throw ConnectionError.cannotConnect(path: path, errno: e)
        }
        fd = socketFD
    }

    deinit { close(fd) }

    /// Sends raw bytes as they are (tests use this for malformed input). A daemon that has
    /// gone away is an error (`MSG_NOSIGNAL`: never SIGPIPE, which would kill the client).
    public func send(raw bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ConnectionError.io(errno: errno)
            }
            offset += n
        }
    }

    /// Sends one call.
    public func send(_ call: VarlinkCall) throws {
        var bytes = try call.encoded()
        bytes.append(0)
        try send(raw: bytes)
    }

    /// Reads the next reply.
    public func receive() throws -> VarlinkReply {
        try VarlinkReply(decoding: receiveMessage())
    }

    /// Reads the next reply, or nil when none arrives within `timeoutMilliseconds`.
    public func receive(timeoutMilliseconds: Int32) throws -> VarlinkReply? {
        try receiveMessage(timeoutMilliseconds: timeoutMilliseconds).map { try VarlinkReply(decoding: $0) }
    }

    /// Reads the next NUL-terminated message, without the NUL.
    public func receiveMessage() throws -> [UInt8] {
        try receiveMessage(timeoutMilliseconds: -1)!
    }

    /// Reads the next NUL-terminated message, or nil when none arrives in time (-1: wait forever).
    public func receiveMessage(timeoutMilliseconds: Int32) throws -> [UInt8]? {
        while true {
            if let nul = buffer.firstIndex(of: 0) {
                let message = Array(buffer[..<nul])
                buffer.removeSubrange(...nul)
                return message
            }
            guard buffer.count <= maximumReplySize else { throw ConnectionError.replyTooLarge }
            if timeoutMilliseconds >= 0 {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&pfd, 1, timeoutMilliseconds)
                if ready == 0 { return nil }
                if ready < 0 && errno != EINTR { throw ConnectionError.io(errno: errno) }
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ConnectionError.io(errno: errno)
            }
            if n == 0 { throw ConnectionError.closed }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    /// Sends a call and waits for its (first) reply.
    public func call(_ method: String, _ parameters: [String: JSONValue] = [:]) throws -> VarlinkReply {
        try send(VarlinkCall(method: method, parameters: parameters))
        return try receive()
    }

    /// Whether the service has closed the connection (reads until EOF or a timeout).
    public func waitForClose(timeoutMilliseconds: Int32 = 2000) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while poll(&pfd, 1, timeoutMilliseconds) > 0 {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return true }
            buffer.append(contentsOf: chunk[..<n])
        }
        return false
    }
}
