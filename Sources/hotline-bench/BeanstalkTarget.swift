/// beanstalkd: `put` of the same 500 bytes; with `-f 0` its binlog is synced before each
/// `INSERTED`, the same durability as hotlined's acknowledged Submit.
struct BeanstalkTarget: LoadTarget {
    let socket: String
    var name: String { "beanstalkd" }

    func connect(client: Int) throws -> any LoadConnection {
        BeanstalkConnection(stream: try UnixStream(path: socket))
    }
}

struct BeanstalkConnection: LoadConnection {
    var stream: UnixStream
    static let request: [UInt8] = {
        let body = Array(HotlineTarget.content.utf8)
        return Array("put 1024 0 60 \(body.count)\r\n".utf8) + body + Array("\r\n".utf8)
    }()
    static let inserted = Array("INSERTED ".utf8)

    func close() { stream.close() }

    mutating func roundTrip(_ sequence: Int) throws {
        try stream.write(Self.request)
        let reply = try stream.read(until: Array("\r\n".utf8))
        guard reply.starts(with: Self.inserted) else {
            throw LoadError(description: "beanstalkd refused a put: \(String(decoding: reply, as: UTF8.self))")
        }
    }
}
