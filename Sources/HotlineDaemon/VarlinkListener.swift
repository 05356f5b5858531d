import Foundation
import HotlineCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// The Varlink server on the Unix socket: accepts connections, reads each peer's
/// credentials, and answers the calls of each connection one after the other, so that
/// pipelined calls get their replies in call order.
///
/// Bad input (malformed JSON, invalid UTF-8, a non-object, a missing method, a message over
/// the limit) gets an error reply where possible, then that one connection closes.
///
/// Graceful shutdown: stop accepting, finish the call in flight on every connection, close.
public final class VarlinkListener: Service, Sendable {
    /// Where to listen.
    public enum Endpoint: Sendable {
        /// Bind this path and set this mode on it.
        case path(String, mode: UInt32)
        /// Serve an inherited, already listening socket (socket activation).
        case inherited(Int32)
    }

    private let endpoint: Endpoint
    private let handler: CallHandler
    private let logger: Logger
    private let onListening: @Sendable () -> Void
    private let onStopping: @Sendable () -> Void
    /// Open connections, how many each uid holds, and whether shutdown has begun (a
    /// connection accepted after that is closed for input at once, so that shutdown never
    /// waits on it).
    private let connections = Mutex(OpenConnections())
    /// Connections the bootstrap has wrapped that `serve` has not taken yet. NIO requires
    /// every wrapped connection's writer to be finished, and a connection accepted as
    /// shutdown begins can be left in the accept stream, never served, and released on an
    /// event loop: the process would stop on NIO's precondition instead of exiting cleanly
    /// (a known NIO limitation of async server bootstraps). Held here, such connections are
    /// finished and closed when accepting ends, or when the listener goes away.
    private let unserved = Mutex<[ObjectIdentifier: NIOAsyncChannel<ByteBuffer, ByteBuffer>]>([:])

    private struct OpenConnections {
        var open: [ObjectIdentifier: any Channel] = [:]
        var perUid: [UInt32: Int] = [:]
        var stopping = false
    }

    /// Creates a listener; `onListening` runs once the socket accepts connections.
    public init(
        endpoint: Endpoint,
        handler: CallHandler,
        logger: Logger,
        onListening: @escaping @Sendable () -> Void = {},
        onStopping: @escaping @Sendable () -> Void = {}
    ) {
        self.onStopping = onStopping
        self.endpoint = endpoint
        self.handler = handler
        self.logger = logger
        self.onListening = onListening
    }

    deinit {
        let left = takeUnserved()
        if !left.isEmpty {
            Task { for connection in left { try? await connection.executeThenClose { _, _ in } } }
        }
    }

    /// Registers a connection the bootstrap has just wrapped.
    private func adopt(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) {
        unserved.withLock { $0[ObjectIdentifier(connection.channel)] = connection }
    }

    /// Takes the connections that were accepted but never served.
    private func takeUnserved() -> [NIOAsyncChannel<ByteBuffer, ByteBuffer>] {
        unserved.withLock { connections in
            defer { connections.removeAll() }
            return Array(connections.values)
        }
    }

    /// Binds and serves until graceful shutdown.
    public func run() async throws {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
        let configuration = handler.configuration
        let logger = self.logger
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> = {
            [self] channel in
            channel.eventLoop.makeCompletedFuture {
                let timeout = configuration.current.daemon.limits.messageTimeout
                try channel.pipeline.syncOperations.addHandler(
                    VarlinkMessageDeadline(timeout: .init(timeout)) {
                        logger.warning(
                            "a message did not arrive in time; closing the connection",
                            metadata: ["message_timeout": "\(timeout)"]
                        )
                    }
                )
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(VarlinkFrameDecoder()))
                let connection = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                adopt(connection)
                return connection
            }
        }
        let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
        switch endpoint {
        case .inherited(let fd):
            server = try await bootstrap.bind(fd, childChannelInitializer: initializer)
            logger.notice("serving the inherited socket (socket activation)", metadata: ["fd": "\(fd)"])
        case .path(let path, let mode):
            try SocketFile.prepare(path)
            let previous = umask(0o177)
            defer { umask(previous) }
            server = try await bootstrap.bind(unixDomainSocketPath: path, childChannelInitializer: initializer)
            try SocketFile.setMode(path, mode)
            logger.notice("listening", metadata: ["socket": "\(path)", "mode": "\(String(mode, radix: 8))"])
        }
        onListening()

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            self.onStopping()
            server.channel.close(promise: nil)
            self.handler.hub.finishAll()
            let open = self.connections.withLock { state -> [any Channel] in
                state.stopping = true
                return Array(state.open.values)
            }
            for channel in open {
                channel.close(mode: .input, promise: nil)
            }
        }
        for connection in takeUnserved() { try? await connection.executeThenClose { _, _ in } }
        if case .path(let path, _) = endpoint { unlink(path) }
    }

    /// Registers a connection; nil (and a log line) when it is over a limit and must be
    /// closed without being served.
    private func admit(_ channel: any Channel, _ credentials: PeerCredentials) -> Bool? {
        let limits = handler.configuration.current.daemon.limits
        let key = ObjectIdentifier(channel)
        let (admitted, stopping, held) = connections.withLock { state -> (Bool, Bool, Int) in
            let held = state.perUid[credentials.uid, default: 0]
            if state.open.count >= limits.connections || (credentials.uid != 0 && held >= limits.connectionsPerUid) {
                return (false, state.stopping, held)
            }
            state.open[key] = channel
            state.perUid[credentials.uid] = held + 1
            return (true, state.stopping, held + 1)
        }
        guard admitted else {
            logger.warning(
                "connection refused: over the connection limit",
                metadata: [
                    "uid": "\(credentials.uid)", "held": "\(held)",
                    "max_connections": "\(limits.connections)",
                    "max_connections_per_uid": "\(limits.connectionsPerUid)",
                ]
            )
            return nil
        }
        return stopping
    }

    private func release(_ channel: any Channel, _ credentials: PeerCredentials) {
        connections.withLock { state in
            state.open.removeValue(forKey: ObjectIdentifier(channel))
            let held = state.perUid[credentials.uid, default: 1] - 1
            state.perUid[credentials.uid] = held > 0 ? held : nil
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        unserved.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(connection.channel)) }
        let credentials: PeerCredentials
        do {
            credentials = try await PeerCredentials.of(connection.channel)
        } catch {
            logger.warning("connection closed: its peer credentials could not be read", metadata: ["error": "\(error)"])
            try? await connection.executeThenClose { _, _ in }
            return
        }
        guard let stopping = admit(connection.channel, credentials) else {
            try? await connection.executeThenClose { _, _ in }
            return
        }
        if stopping { connection.channel.close(mode: .input, promise: nil) }
        defer { release(connection.channel, credentials) }
        do {
            try await connection.executeThenClose { inbound, outbound in
                do {
                    for try await frame in inbound {
                        let call: VarlinkCall
                        do throws(VarlinkError) {
                            call = try VarlinkCall(decoding: frame.readableBytesView)
                        } catch {
                            logger.warning(
                                "bad message; closing the connection",
                                metadata: ["uid": "\(credentials.uid)", "reason": "\(error.reason)"]
                            )
                            try await outbound.write(ByteBuffer(bytes: VarlinkReply(error: error).framed()))
                            return
                        }
                        let caller = Caller(
                            credentials: credentials,
                            role: handler.configuration.current.roles.role(of: credentials)
                        )
                        switch await handler.respond(to: call, from: caller) {
                        case .reply(let reply):
                            if !call.oneway {
                                try await outbound.write(ByteBuffer(bytes: reply.framed()))
                            }
                        case .stream(let notices, let render):
                            // A streaming call owns the connection until the client hangs up
                            // or the stream ends (shutdown, or a watcher too far behind).
                            try await withThrowingTaskGroup(of: Void.self) { group in
                                let channel = connection.channel
                                group.addTask { try? await channel.closeFuture.get() }
                                group.addTask {
                                    for await notice in notices {
                                        try await outbound.write(ByteBuffer(bytes: render(notice).framed()))
                                    }
                                }
                                try await group.next()
                                group.cancelAll()
                            }
                            return
                        }
                    }
                } catch let error as VarlinkFrameDecoder.MessageTooLarge {
                    logger.warning(
                        "message over the size limit; closing the connection",
                        metadata: ["uid": "\(credentials.uid)", "limit": "\(error.limit)"]
                    )
                    let reply = VarlinkReply(
                        error: .invalidParameter("message", reason: "larger than \(error.limit) bytes")
                    )
                    try? await outbound.write(ByteBuffer(bytes: reply.framed()))
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}
