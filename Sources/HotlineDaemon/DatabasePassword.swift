import Foundation

/// The PostgreSQL password from `database_password_file`: an absolute path, or the name of a
/// systemd credential (`LoadCredential=NAME:/etc/hotline/db-password` puts it in
/// `$CREDENTIALS_DIRECTORY/NAME`, readable by the service alone). The file holds the
/// password on its first line; what follows a line break is ignored.
public enum DatabasePassword {
    /// Why the password cannot be read, and what to do.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        /// The sentence.
        public var description: String
    }

    /// The path `setting` names, with `environment`'s `CREDENTIALS_DIRECTORY` for a credential.
    public static func path(of setting: String, environment: [String: String]) throws(Problem) -> String {
        if setting.hasPrefix("/") { return setting }
        guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
            throw Problem(
                description:
                    "database_password_file names the credential \(setting), but the daemon was not started with one "
                    + "(add LoadCredential=\(setting):/etc/hotline/db-password to the unit, or give an absolute path)"
            )
        }
        return directory + "/" + setting
    }

    /// The password `setting` names.
    public static func read(_ setting: String, environment: [String: String]) throws(Problem) -> String {
        let file = try path(of: setting, environment: environment)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw Problem(
                description:
                    "cannot read the database password file \(file); check that it exists and the daemon may read it"
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Problem(description: "the database password file \(file) is not UTF-8 text")
        }
        let password =
            text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map {
                String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            } ?? ""
        guard !password.isEmpty else { throw Problem(description: "the database password file \(file) is empty") }
        return password
    }
}
