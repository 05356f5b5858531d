import HotlineCore
import Varlink

extension HotlineError {
    /// The Varlink error this maps to, one to one (contract §1, §5).
    public var varlinkError: VarlinkError {
        let prefix = DispatchInterface.name + "."
        switch self {
        case .noSuchTicket(let id):
            return VarlinkError(name: prefix + "NoSuchTicket", parameters: ["id": .string(id)], reason: description)
        case .noSuchUnit(let unit):
            return VarlinkError(name: prefix + "NoSuchUnit", parameters: ["unit": .string(unit)], reason: description)
        case .invalidTransition(let id, let status):
            return VarlinkError(
                name: prefix + "InvalidTransition",
                parameters: ["id": .string(id), "status": .string(status.rawValue)],
                reason: description
            )
        case .submissionConflict(let id, let field):
            return VarlinkError(
                name: prefix + "SubmissionConflict",
                parameters: ["id": .string(id), "field": .string(field)],
                reason: description
            )
        case .noSuchEntry(let id):
            return VarlinkError(name: prefix + "NoSuchEntry", parameters: ["id": .string(id)], reason: description)
        case .staleVersion(let id, let version):
            return VarlinkError(
                name: KnowledgeInterface.name + ".StaleVersion",
                parameters: ["id": .string(id), "version": .int(Int64(version))],
                reason: description
            )
        case .noSuchImport(let id):
            return VarlinkError(
                name: KnowledgeInterface.name + ".NoSuchImport",
                parameters: ["import": .string(id)],
                reason: description
            )
        case .permissionDenied:
            return .permissionDenied
        case .invalidParameter(let parameter, let reason):
            return .invalidParameter(parameter, reason: reason)
        case .notSupported(let reason):
            return VarlinkError(name: prefix + "NotSupported", parameters: ["reason": .string(reason)], reason: reason)
        }
    }

    /// `org.hotline.Dispatch.StorageFailure {reason}`: the database refused the change.
    public static func storageFailure(_ reason: String) -> VarlinkError {
        VarlinkError(
            name: DispatchInterface.name + ".StorageFailure",
            parameters: ["reason": .string(reason)],
            reason: reason
        )
    }
}
