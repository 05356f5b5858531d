import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// Control-socket hygiene before bind: refuse to start when a live daemon answers on the
/// path, remove a stale socket file, create the parent directory.
public enum SocketFile {
    /// Why the socket path cannot be used.
    public enum Problem: Error, Sendable, CustomStringConvertible {
        /// Another daemon answers on the path.
        case inUse(String)
        /// The path exists and is not a socket.
        case notASocket(String)
        /// The parent directory could not be created or the stale file removed.
        case cannotPrepare(String, errno: Int32)

        /// A sentence for the operator.
        public var description: String {
            switch self {
            case .inUse(let path):
                "\(path): another hotlined is already listening there; stop it first (systemctl stop hotlined)"
            case .notASocket(let path): "\(path) exists and is not a socket; remove it or configure another socket path"
            case .cannotPrepare(let path, let e): "\(path): \(String(cString: strerror(e)))"
            }
        }
    }

    /// Makes `path` ready for bind.
    public static func prepare(_ path: String) throws(Problem) {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            let parent = String(path[..<slash])
            if mkdir(parent, 0o755) != 0 && errno != EEXIST { throw .cannotPrepare(parent, errno: errno) }
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else { throw .notASocket(path) }
        if (try? VarlinkConnection(path: path)) != nil { throw .inUse(path) }
        guard unlink(path) == 0 || errno == ENOENT else { throw .cannotPrepare(path, errno: errno) }
    }

    /// Sets the socket file's mode after bind.
    public static func setMode(_ path: String, _ mode: UInt32) throws(Problem) {
        guard chmod(path, mode_t(mode)) == 0 else { throw .cannotPrepare(path, errno: errno) }
    }
}
