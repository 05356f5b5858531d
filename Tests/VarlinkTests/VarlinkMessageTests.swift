import Foundation
import NIOCore
import NIOEmbedded
import Testing

@testable import HotlineProtocol
@testable import Varlink

@Suite("Varlink messages and framing")
struct VarlinkMessageTests {
    @Test("A call decodes with its flags")
    func decodeCall() throws {
        let call = try VarlinkCall(
            decoding: Array(#"{"method":"org.hotline.Dispatch.Get","parameters":{"id":"x"},"more":true}"#.utf8)
        )
        #expect(call.interface == "org.hotline.Dispatch" && call.member == "Get")
        #expect(call.parameters["id"] == "x" && call.more && !call.oneway)
    }

    @Test(
        "Bad messages name what was wrong",
        arguments: [
            (#"{"method":"#, "message"), (#"[1,2]"#, "message"), (#"{"parameters":{}}"#, "method"),
            (#"{"method":42}"#, "method"), (#"{"method":"a.B","parameters":[]}"#, "parameters"),
            (#"{"method":"a.B","more":"yes"}"#, "more"),
        ]
    )
    func badMessages(text: String, parameter: String) {
        do throws(VarlinkError) {
            _ = try VarlinkCall(decoding: Array(text.utf8))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.name == "org.varlink.service.InvalidParameter")
            #expect(error.parameters["parameter"] == .string(parameter))
        }
    }

    @Test("Invalid UTF-8 is refused before JSON parsing")
    func invalidUTF8() {
        var bytes = Array(#"{"method":"a.B","parameters":{"x":""}}"#.utf8)
        bytes.insert(0xFF, at: 30)
        #expect(throws: VarlinkError.self) { try VarlinkCall(decoding: bytes) }
    }

    @Test("Replies are NUL-terminated JSON; errors carry their name")
    func replies() throws {
        let framed = try VarlinkReply(error: .methodNotFound("a.B")).framed()
        #expect(framed.last == 0)
        let back = try VarlinkReply(decoding: framed.dropLast())
        #expect(back.error == "org.varlink.service.MethodNotFound" && back.parameters["method"] == "a.B")
    }

    @Test("The frame decoder splits on NUL, keeps partial messages, and enforces the size limit")
    func framing() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(VarlinkFrameDecoder(maximumSize: 16)))
        try channel.writeInbound(ByteBuffer(bytes: Array("{\"a\":1}\0{\"b\"".utf8)))
        #expect(try channel.readInbound(as: ByteBuffer.self).map { String(buffer: $0) } == "{\"a\":1}")
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        try channel.writeInbound(ByteBuffer(bytes: Array(":2}\0".utf8)))
        #expect(try channel.readInbound(as: ByteBuffer.self).map { String(buffer: $0) } == "{\"b\":2}")
        #expect(throws: VarlinkFrameDecoder.MessageTooLarge.self) {
            try channel.writeInbound(ByteBuffer(bytes: Array(repeating: UInt8(ascii: "x"), count: 17)))
        }
    }

    @Test("RFC 3339: offsets required, formatted in the calendar zone")
    func times() throws {
        let date = try #require(RFC3339.parse("2026-09-30T17:30:00+08:00"))
        #expect(RFC3339.parse("2026-09-30T09:30:00Z") == date)
        #expect(RFC3339.parse("2026-09-30T09:30:00.000Z") == date)
        #expect(RFC3339.parse("2026-09-30T17:30:00") == nil)
        #expect(RFC3339.parse("2026-09-30") == nil)
        #expect(RFC3339.format(date, in: TimeZone(identifier: "Asia/Shanghai")!) == "2026-09-30T17:30:00+08:00")
    }

    static let badSubmissions: [([String: JSONValue], String)] = [
        (["channel": "fax", "submissionId": "1", "content": "x"], "channel"),
        (["channel": "hotline", "submissionId": "1"], "content"),
        (["channel": "hotline", "submissionId": "1", "content": "x", "colour": "red"], "colour"),
        (["channel": "hotline", "submissionId": 1, "content": "x"], "submissionId"),
        (["channel": "hotline", "submissionId": "1", "content": "x", "citizen": ["age": 3]], "citizen.age"),
        (
            ["channel": "hotline", "submissionId": "1", "content": "x", "citizen": ["phone": "call me"]],
            "citizen.phone"
        ),
        (["channel": "hotline", "submissionId": "1", "content": "x", "deadline": "tomorrow"], "deadline"),
        (["channel": "hotline", "submissionId": "1", "content": "x", "priority": "high"], "priority"),
        (["channel": "hotline", "submissionId": "1", "content": "   "], "content"),
    ]

    @Test(
        "Submit parameters: unknown members, wrong types and bad enum values name the parameter",
        arguments: badSubmissions
    )
    func submitParameters(parameters: [String: JSONValue], parameter: String) {
        do throws(VarlinkError) {
            _ = try Requests.submission(parameters)
            Issue.record("accepted \(parameters)")
        } catch {
            #expect(error.name == "org.varlink.service.InvalidParameter")
            #expect(error.parameters["parameter"] == .string(parameter))
        }
    }
}
