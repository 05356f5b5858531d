#if canImport(Glibc)
import Glibc
#endif

/// systemd socket activation (`sd_listen_fds(3)`): the listening socket handed over as fd 3.
public enum ListenFDs {
    /// The first passed file descriptor.
    public static let start: Int32 = 3

    /// The inherited listening socket, when `LISTEN_FDS` is set for this process
    /// (`LISTEN_PID` equal to our pid). Clears the variables so children do not inherit them.
    public static func take() -> Int32? {
        guard let fdsText = getenv("LISTEN_FDS").map({ String(cString: $0) }), let count = Int32(fdsText), count >= 1
        else {
            return nil
        }
        if let pidText = getenv("LISTEN_PID").map({ String(cString: $0) }), let pid = Int32(pidText), pid != getpid() {
            return nil
        }
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDNAMES")
        let flags = fcntl(start, F_GETFD)
        if flags >= 0 { _ = fcntl(start, F_SETFD, flags | FD_CLOEXEC) }
        return start
    }
}
