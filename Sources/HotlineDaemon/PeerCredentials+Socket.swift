import HotlineCore
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// `struct ucred` of `SO_PEERCRED`.
private struct UCred: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// Room for the supplementary groups of `SO_PEERGROUPS`.
private struct PeerGroups: Sendable {
    var gids: InlineArray<256, UInt32> = InlineArray(repeating: 0)
}

/// Linux socket option numbers not exported by the C library module.
private enum LinuxSocketOption {
    static let peerCred: Int32 = 17  // SO_PEERCRED
    static let peerGroups: Int32 = 59  // SO_PEERGROUPS (Linux 4.13)
}

extension PeerCredentials {
    /// Reads the peer's credentials from a connected Unix socket channel.
    ///
    /// uid, gid and pid come from `SO_PEERCRED`; supplementary groups from `SO_PEERGROUPS`
    /// (at most 256; gid 0 cannot be told from padding there and is left out, which only
    /// matters to a configuration that names the root group). The kernel records these when
    /// the peer connects, so a client cannot change them afterwards.
    static func of(_ channel: any Channel) async throws -> PeerCredentials {
        guard let provider = channel as? any SocketOptionProvider else { throw ChannelError.operationUnsupported }
        let cred: UCred = try await provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET),
            name: SocketOptionName(LinuxSocketOption.peerCred)
        ).get()
        var groups: [UInt32] = []
        if let peerGroups: PeerGroups = try? await provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET),
            name: SocketOptionName(LinuxSocketOption.peerGroups)
        ).get() {
            for index in peerGroups.gids.indices where peerGroups.gids[index] != 0 {
                groups.append(peerGroups.gids[index])
            }
        }
        return PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid, groups: groups)
    }
}
