import Foundation
import HotlineCore
import Varlink

/// Decoding the parameters of `org.hotline.Dispatch` methods into core values. Every
/// failure is `InvalidParameter` naming the parameter.
public enum Requests {
    /// The longest free text accepted (content, notes, results): a long mailbox letter
    /// fits; the 1 MiB message limit bounds it anyway.
    public static let maximumTextLength = 200_000
    /// The longest short field (ids, titles, names, categories).
    public static let maximumFieldLength = 200

    /// The `id` parameter every ticket method takes.
    public static func ticketID(_ reader: ParameterReader) throws(VarlinkError) -> String {
        try reader.string("id", maxLength: 64)
    }

    /// `Submit`'s parameters.
    public static func submission(_ parameters: [String: JSONValue]) throws(VarlinkError) -> Submission {
        let r = try ParameterReader(
            parameters,
            allowed: [
                "channel", "submissionId", "content", "title", "category", "priority", "citizen", "location",
                "receivedAt", "deadline", "answer", "knowledge",
            ]
        )
        let answer = try r.optionalString("answer", maxLength: maximumTextLength)
        if let answer, answer.allSatisfy(\.isWhitespace) {
            throw .invalidParameter("answer", reason: "must not be empty")
        }
        let citizen = try r.optionalObject("citizen", allowed: ["name", "phone"])
        let location = try r.optionalObject("location", allowed: ["district", "address"])
        let phone = try citizen?.optionalString("phone", maxLength: 32)
        if let phone, phone.isEmpty || !phone.allSatisfy({ $0.isASCII && ($0.isNumber || "+- ".contains($0)) }) {
            throw .invalidParameter("citizen.phone", reason: "digits, spaces, + and - only")
        }
        let submission = Submission(
            channel: try r.enumValue("channel"),
            submissionId: try r.string("submissionId", maxLength: maximumFieldLength),
            content: try r.string("content", maxLength: maximumTextLength),
            title: try r.optionalString("title", maxLength: maximumFieldLength),
            category: try r.optionalString("category", maxLength: maximumFieldLength),
            priority: try r.optionalEnum("priority") ?? .normal,
            citizen: Citizen(name: try citizen?.optionalString("name", maxLength: maximumFieldLength), phone: phone),
            location: Location(
                district: try location?.optionalString("district", maxLength: maximumFieldLength),
                address: try location?.optionalString("address", maxLength: 1000)
            ),
            receivedAt: try r.optionalDate("receivedAt"),
            deadline: try r.optionalDate("deadline"),
            answer: answer,
            knowledge: try r.optionalStrings("knowledge") ?? []
        )
        if answer == nil, !submission.knowledge.isEmpty {
            throw .invalidParameter("knowledge", reason: "cites the entries of an answer; give answer too")
        }
        if let deadline = submission.deadline, let received = submission.receivedAt, deadline <= received {
            throw .invalidParameter("deadline", reason: "must be later than receivedAt")
        }
        return submission
    }

    /// The parameters of a ticket-changing method, as an id and a core command.
    public static func command(
        _ method: String,
        _ parameters: [String: JSONValue]
    ) throws(VarlinkError) -> (id: String, command: TicketCommand)? {
        func reader(_ names: Set<String>) throws(VarlinkError) -> ParameterReader {
            try ParameterReader(parameters, allowed: names.union(["id"]))
        }
        let text = maximumTextLength
        switch method {
        case "Dispatch":
            let r = try reader(["unit", "coUnits", "note"])
            return (
                try ticketID(r),
                .dispatch(
                    unit: try r.string("unit", maxLength: maximumFieldLength),
                    coUnits: try r.optionalStrings("coUnits") ?? [],
                    note: try r.optionalString("note", maxLength: text)
                )
            )
        case "Claim":
            return (try ticketID(try reader([])), .claim)
        case "Progress":
            let r = try reader(["note"])
            return (try ticketID(r), .progress(note: try r.string("note", maxLength: text)))
        case "Return":
            let r = try reader(["reason"])
            return (try ticketID(r), .return(reason: try r.string("reason", maxLength: text)))
        case "RequestExtension":
            let r = try reader(["reason", "until", "longTerm"])
            return (
                try ticketID(r),
                .requestExtension(
                    reason: try r.string("reason", maxLength: text),
                    until: try r.optionalDate("until"),
                    longTerm: try r.optionalBool("longTerm") ?? false
                )
            )
        case "DecideExtension":
            let r = try reader(["approve", "note"])
            return (
                try ticketID(r),
                .decideExtension(approve: try r.bool("approve"), note: try r.optionalString("note", maxLength: text))
            )
        case "ExplainOverdue":
            let r = try reader(["reason"])
            return (try ticketID(r), .explainOverdue(reason: try r.string("reason", maxLength: text)))
        case "Reply":
            let r = try reader(["result"])
            return (try ticketID(r), .reply(result: try r.string("result", maxLength: text)))
        case "Rate":
            let r = try reader(["rating", "solved", "comment"])
            return (
                try ticketID(r),
                .rate(
                    rating: try r.enumValue("rating"),
                    solved: try r.bool("solved"),
                    comment: try r.optionalString("comment", maxLength: text)
                )
            )
        case "Callback":
            let r = try reader(["outcome", "note", "unit"])
            return (
                try ticketID(r),
                .callback(
                    outcome: try r.enumValue("outcome"),
                    note: try r.string("note", maxLength: text),
                    unit: try r.optionalString("unit", maxLength: maximumFieldLength)
                )
            )
        case "Answer":
            let r = try reader(["answer", "knowledge"])
            return (
                try ticketID(r),
                .answer(
                    text: try r.string("answer", maxLength: text),
                    knowledge: try r.optionalStrings("knowledge") ?? []
                )
            )
        case "Merge":
            let r = try reader(["into"])
            return (try ticketID(r), .merge(into: try r.string("into", maxLength: 64)))
        case "Supervise":
            let r = try reader(["note"])
            return (try ticketID(r), .supervise(note: try r.string("note", maxLength: text)))
        case "Urge":
            let r = try reader(["note"])
            return (try ticketID(r), .urge(note: try r.optionalString("note", maxLength: text)))
        default:
            return nil
        }
    }
}
