import NIOCore

/// Closes a connection whose message has begun but not ended (no NUL) within `timeout`: a
/// client that trickles a byte at a time (slowloris), or sends half a message and stalls,
/// gives its connection slot back instead of holding it.
///
/// Placed in front of the ``VarlinkFrameDecoder``; it only looks at the bytes going past.
/// Time the server spends not reading (back-pressure while earlier calls are answered) does
/// not count against the client: when the timer fires without a read having been asked for,
/// it is armed again.
public final class VarlinkMessageDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = Never

    private let timeout: TimeAmount
    private let onTimeout: @Sendable () -> Void
    private var inMessage = false
    private var readRequested = false
    private var timer: Scheduled<Void>?

    /// Creates the handler with the longest time a message may take once it has begun;
    /// `onTimeout` runs (to log it) just before such a connection is closed.
    public init(timeout: TimeAmount, onTimeout: @escaping @Sendable () -> Void = {}) {
        self.timeout = timeout
        self.onTimeout = onTimeout
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        let view = bytes.readableBytesView
        if let last = view.last {
            // The message in progress after this chunk: one is open when the chunk does not
            // end with a terminator.
            inMessage = last != 0
        }
        if inMessage {
            if timer == nil { arm(context) }
        } else {
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        readRequested = false
        context.fireChannelReadComplete()
    }

    public func read(context: ChannelHandlerContext) {
        readRequested = true
        context.read()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    private func arm(_ context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            guard handler.inMessage else { return }
            guard handler.readRequested else {
                // We were not reading (back-pressure); the client is not to blame.
                handler.arm(context)
                return
            }
            handler.onTimeout()
            context.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension VarlinkMessageDeadline: Sendable {}
