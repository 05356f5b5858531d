/// hotlined: `org.hotline.Dispatch.Submit` of a 500-byte mailbox letter, each with its own
/// submission id; the reply comes once the ticket is committed (`synchronous = FULL`). With
/// several sockets (daemons sharing one database) the clients are dealt out among them in turn.
struct HotlineTarget: LoadTarget {
    let sockets: [String]
    /// A run tag, so that repeated runs on one database never reuse a submission id.
    let run: String
    var name: String { sockets.count == 1 ? "hotlined" : "\(sockets.count) × hotlined" }

    /// One daemon's target.
    init(socket: String, run: String) {
        self.init(sockets: [socket], run: run)
    }

    /// The target of several daemons.
    init(sockets: [String], run: String) {
        self.sockets = sockets
        self.run = run
    }

    /// 500 bytes of UTF-8 (166 three-byte characters and two ASCII bytes).
    static let content = String(repeating: "停", count: 165) + "。.."

    func connect(client: Int) throws -> any LoadConnection {
        HotlineConnection(
            stream: try UnixStream(path: sockets[client % sockets.count]),
            prefix: Array(
                #"{"method":"org.hotline.Dispatch.Submit","parameters":{"channel":"mailbox","content":"\#(Self.content)","submissionId":"\#(run)-\#(client)-"#
                    .utf8
            )
        )
    }
}

struct HotlineConnection: LoadConnection {
    var stream: UnixStream
    let prefix: [UInt8]
    static let suffix = Array(#""}}"#.utf8) + [0]
    static let errorMarker = Array(#""error""#.utf8)

    func close() { stream.close() }

    mutating func roundTrip(_ sequence: Int) throws {
        try stream.write(prefix + Array(String(sequence).utf8) + Self.suffix)
        let reply = try stream.read(until: [0])
        if reply.withUnsafeBytes({ UnixStream.offset(of: Self.errorMarker, in: $0) }) != nil {
            throw LoadError(description: "hotlined refused a Submit: \(String(decoding: reply, as: UTF8.self))")
        }
    }
}
