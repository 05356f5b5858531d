import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import HotlineSystemd
import Logging
import Varlink

/// Answers Varlink calls: routes each to the handler of its interface (``ServiceHandler``,
/// ``DispatchHandler``, ``KnowledgeHandler``, ``TestingHandler`` on the manual clock), and turns every failure into
/// an error reply: a refusal is logged at info, a storage failure at error with its message
/// id. One instance serves every connection.
public struct CallHandler: Sendable {
    /// The configuration in force (the listener reads its limits).
    public var configuration: ConfigurationBox { dispatch.configuration }
    /// Where notices go (the listener counts watchers).
    public var hub: NoticeHub { dispatch.hub }

    private let service: ServiceHandler
    private let dispatch: DispatchHandler
    /// Every interface's handler by name.
    private let handlers: [String: any InterfaceHandler]
    private let logger: Logger

    /// Creates a handler.
    public init(
        store: any TicketStore,
        configuration: ConfigurationBox,
        clock: DaemonClock,
        logger: Logger,
        hub: NoticeHub,
        sweeper: Sweeper,
        leadership: ClockLeadership,
        wakeClock: @escaping @Sendable (Date) -> Void,
        startedAt: Date = Date()
    ) {
        dispatch = DispatchHandler(
            store: store,
            configuration: configuration,
            clock: clock,
            logger: logger,
            startedAt: startedAt,
            hub: hub,
            sweeper: sweeper,
            leadership: leadership,
            wakeClock: wakeClock,
            backups: store.backup.map { BackupKeeper(store: $0, logger: logger) }
        )
        var served: [any InterfaceHandler] = [
            dispatch, KnowledgeHandler(store: store, configuration: configuration, clock: clock, logger: logger),
        ]
        if clock.isManual {
            served.append(TestingHandler(clock: clock, sweeper: sweeper, configuration: configuration, logger: logger))
        }
        service = ServiceHandler(served: served.map { ($0.name, $0.description) })
        handlers = Dictionary(uniqueKeysWithValues: ([service] + served).map { ($0.name, $0) })
        self.logger = logger
    }

    /// How a call is answered: one reply, or (Watch) a stream of them.
    public enum Response: Sendable {
        /// One reply.
        case reply(VarlinkReply)
        /// Replies with `continues: true`, one per notice, until the client hangs up. The
        /// notices come straight from the watcher's bounded buffer, so a client that does not
        /// read fills that buffer and is dropped.
        case stream(AsyncStream<Notice>, render: @Sendable (Notice) -> VarlinkReply)
    }

    /// Answers one call, streaming for `Watch` with `more: true`.
    public func respond(to call: VarlinkCall, from caller: Caller) async -> Response {
        guard call.method == DispatchInterface.name + ".Watch" else {
            return .reply(await handle(call, from: caller))
        }
        do {
            return try dispatch.watch(call, from: caller)
        } catch {
            logRefusal(call, caller, error)
            return .reply(VarlinkReply(error: error))
        }
    }

    /// The interfaces this daemon serves.
    public var interfaces: [String] { service.interfaces }

    /// Answers one call. Never throws: every failure becomes an error reply.
    public func handle(_ call: VarlinkCall, from caller: Caller) async -> VarlinkReply {
        do {
            guard let handler = handlers[call.interface] else { throw VarlinkError.interfaceNotFound(call.interface) }
            return VarlinkReply(parameters: try await handler.answer(call, from: caller))
        } catch let error as VarlinkError {
            logRefusal(call, caller, error)
            return VarlinkReply(error: error)
        } catch let error as HotlineError {
            logRefusal(call, caller, error.varlinkError)
            return VarlinkReply(error: error.varlinkError)
        } catch {
            let sentence = dispatch.store.failureSentence(for: error)
            logger.error(
                "storage failure: \(sentence)",
                metadata: [
                    "method": "\(call.method)", MessageID.metadataKey: "\(MessageID.storageError.rawValue)",
                ]
            )
            return VarlinkReply(error: HotlineError.storageFailure(sentence))
        }
    }

    private func logRefusal(_ call: VarlinkCall, _ caller: Caller, _ error: VarlinkError) {
        logger.info(
            "call refused",
            metadata: [
                "method": "\(call.method)", "error": "\(error.name)", "uid": "\(caller.uid)",
                "role": "\(caller.role.kind.rawValue)",
            ]
        )
    }
}
