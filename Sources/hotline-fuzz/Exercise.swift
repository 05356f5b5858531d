import HotlineCore
import HotlineProtocol
import NIOCore
import NIOEmbedded
import Varlink

/// Feeds bytes from a client through everything that reads them before the store does: the
/// message deadline and the NUL framing (as the daemon's pipeline has them), the Varlink call
/// decoding, and the typed decoding of every method's parameters. Errors are the expected
/// outcome for most inputs; a crash, a hang or a sanitizer report is a bug.
enum Exercise {
    static let methods = HotlineOperation.ticketChanges.map(\.method).sorted()

    static func run(_ bytes: [UInt8]) {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        do {
            try channel.pipeline.syncOperations.addHandler(VarlinkMessageDeadline(timeout: .seconds(10)))
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(VarlinkFrameDecoder(maximumSize: 64 * 1024))
            )
        } catch {
            fatalError("pipeline: \(error)")
        }
        // Deliver the bytes in pieces of varying sizes, as a socket would.
        var offset = 0
        var piece = 1
        while offset < bytes.count {
            let end = min(bytes.count, offset + piece)
            var buffer = channel.allocator.buffer(capacity: end - offset)
            buffer.writeBytes(bytes[offset..<end])
            do {
                try channel.writeInbound(buffer)
            } catch {
                return  // a framing error closes the connection; nothing more is read
            }
            offset = end
            // Uneven pieces: from one byte (a split in the middle of a UTF-8 sequence or an
            // escape) to a few hundred.
            piece = piece % 7 == 0 ? 1 : piece * 3 % 509 + Int(bytes[offset - 1] % 5)
        }
        while let frame = try? channel.readInbound(as: ByteBuffer.self) {
            decode(frame.readableBytesView)
        }
    }

    static func decode(_ frame: ByteBufferView) {
        guard let call = try? VarlinkCall(decoding: frame) else { return }
        _ = try? call.encoded()
        switch call.member {
        case "Submit": _ = try? Requests.submission(call.parameters)
        default:
            _ = try? Requests.command(call.member, call.parameters)
            for method in methods { _ = try? Requests.command(method, call.parameters) }
            _ = try? Requests.submission(call.parameters)
        }
        var reply = JSONValue.object(call.parameters).serialized
        reply.append(0)
        _ = try? VarlinkReply(decoding: reply.dropLast())
    }
}
