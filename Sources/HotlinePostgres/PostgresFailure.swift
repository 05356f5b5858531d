import HotlineStore
import PostgresNIO

extension PostgresTicketStore {
    /// A sentence for a storage failure that tells the operator what happened and what to do.
    /// Nothing of the failed request was stored (a transaction the server did not confirm is
    /// rolled back); the sentence says so.
    public func failureSentence(for error: any Error) -> String {
        if let error = error as? StoreError { return error.description }
        if let error = error as? DatabaseUnavailable { return error.description }
        guard let error = error as? PSQLError else {
            return "the database could not complete the request (\(error)); nothing was stored"
        }
        let server = database.server.description
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection, .poolClosed:
            return "the database server \(server) cannot be reached; nothing was stored. The daemon reconnects by "
                + "itself as soon as the server is back: check that PostgreSQL runs and accepts connections"
        case .authMechanismRequiresPassword, .saslError, .unsupportedAuthMechanism:
            return "the database server \(server) refused the daemon's login; nothing was stored. Check "
                + "database_password_file and the server's pg_hba.conf"
        case .sslUnsupported, .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            return "the database server \(server) does not offer the TLS the URL's sslmode asks for; nothing was stored"
        case .server:
            break
        default:
            return "the database could not complete the request (\(error.code)); nothing was stored"
        }
        let state = error.serverInfo?[.sqlState] ?? ""
        let message = error.serverInfo?[.message] ?? "\(error.code)"
        switch state {
        case "53100":
            return "the disk of the database server \(server) is full; nothing was stored. Free space on it: the "
                + "daemon takes requests again as soon as there is room, without a restart"
        case "25006":
            return "the database server \(server) accepts no writes (a standby); nothing was stored. Point the "
                + "daemon at the primary, or list every server in the URL"
        case "57P01", "57P02", "57P03":
            return "the database server \(server) is shutting down or starting up (\(message)); nothing was stored. "
                + "The daemon reconnects by itself once it is up"
        case "28P01", "28000":
            return "the database server \(server) refused the daemon's login (\(message)); nothing was stored. Check "
                + "database_password_file and the server's pg_hba.conf"
        case "42501":
            return "the database role may not do what the daemon needs (\(message)); nothing was stored. Grant the "
                + "role the hotline schema's privileges"
        default:
            return "the database server \(server) refused the request (\(state) \(message)); nothing was stored"
        }
    }
}

/// The database did not answer within the daemon's limit: no connection could be had, or a
/// statement did not finish.
public struct DatabaseUnavailable: Error, Sendable, CustomStringConvertible {
    /// The server tried.
    public var server: String
    /// How long the daemon waited, in seconds.
    public var waited: Int

    /// The sentence.
    public var description: String {
        "the database server \(server) did not answer within \(waited) s; nothing was stored. The daemon "
            + "reconnects by itself as soon as the server is back: check that PostgreSQL runs and accepts connections"
    }
}
