import NIOCore

/// Splits a byte stream into NUL-terminated Varlink messages (the NUL is dropped).
///
/// A message that grows past the limit without its NUL is an error
/// (``VarlinkFrameDecoder/MessageTooLarge``); the connection handler answers and closes.
/// Bytes left without a NUL when the peer hangs up are a half message and are dropped.
public struct VarlinkFrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer

    /// The message grew past ``maximumSize`` without a NUL terminator.
    public struct MessageTooLarge: Error, Sendable, Hashable {
        /// The limit that was exceeded.
        public var limit: Int
    }

    /// The largest message accepted, in bytes.
    public let maximumSize: Int
    private var scanned = 0

    /// Creates a decoder with a size limit.
    public init(maximumSize: Int = VarlinkLimits.maximumMessageSize) {
        self.maximumSize = maximumSize
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        let start = view.startIndex + scanned
        if let nul = view[start...].firstIndex(of: 0) {
            let length = nul - view.startIndex
            guard length <= maximumSize else { throw MessageTooLarge(limit: maximumSize) }
            let message = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            scanned = 0
            context.fireChannelRead(Self.wrapInboundOut(message))
            return .continue
        }
        scanned = view.count
        guard view.count <= maximumSize else { throw MessageTooLarge(limit: maximumSize) }
        return .needMoreData
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
