#if canImport(Glibc)
import Glibc
#endif

/// A server the load generator drives: one blocking connection per client thread, one
/// request at a time, the request's 500-byte payload durable when the answer comes.
protocol LoadTarget: Sendable {
    /// A short name for the report ("hotlined", "beanstalkd").
    var name: String { get }
    /// Opens one client connection.
    func connect(client: Int) throws -> any LoadConnection
}

/// One client connection.
protocol LoadConnection {
    /// Sends request `sequence` and waits for its answer; throws when the server refused it.
    mutating func roundTrip(_ sequence: Int) throws
    /// Hangs up.
    func close()
}

/// A load generator failure, with what was being done.
struct LoadError: Error, CustomStringConvertible {
    var description: String
}

/// A blocking stream socket on a Unix path: write all, read up to a terminator.
struct UnixStream {
    let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 65_536)
    private var start = 0
    private var end = 0

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoadError(description: "socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw LoadError(description: "socket path too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            Glibc.close(fd)
            throw LoadError(description: "connect \(path): errno \(errno)")
        }
    }

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            guard n > 0 else { throw LoadError(description: "write: errno \(errno)") }
            offset += n
        }
    }

    /// Reads until `terminator` (a byte sequence) and returns the bytes before it.
    mutating func read(until terminator: [UInt8]) throws -> ArraySlice<UInt8> {
        var scanFrom = start
        while true {
            let from = max(scanFrom, start)
            let to = end
            if let found = buffer.withUnsafeBytes({
                Self.offset(of: terminator, in: UnsafeRawBufferPointer(rebasing: $0[from..<to]))
            }) {
                let message = buffer[start..<from + found]
                start = from + found + terminator.count
                return message
            }
            scanFrom = max(start, end - terminator.count + 1)
            if start > 0 && start == end {
                start = 0
                end = 0
                scanFrom = 0
            }
            if end == buffer.count {
                guard start > 0 else { throw LoadError(description: "reply larger than \(buffer.count) bytes") }
                buffer.replaceSubrange(0..<end - start, with: buffer[start..<end])
                end -= start
                scanFrom -= start
                start = 0
            }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + end, $0.count - end) }
            guard n > 0 else {
                throw LoadError(description: n == 0 ? "the server closed the connection" : "read: errno \(errno)")
            }
            end += n
        }
    }

    func close() { _ = Glibc.close(fd) }

    /// Where `needle` first occurs in `haystack`, with `memchr` and `memcmp`: the generic
    /// collection searches cost the load generator more CPU per request than the server's own
    /// parsing.
    static func offset(of needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let base = haystack.baseAddress, let first = needle.first, haystack.count >= needle.count else {
            return nil
        }
        return needle.withUnsafeBytes { needle -> Int? in
            var position = 0
            while position + needle.count <= haystack.count {
                guard let hit = memchr(base + position, Int32(first), haystack.count - needle.count + 1 - position)
                else { return nil }
                let index = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + index, needle.baseAddress!, needle.count) == 0 { return index }
                position = index + 1
            }
            return nil
        }
    }
}
