import Foundation
import GRDB
import GRDBSQLite

/// The write path's hot statements, bound and stepped straight through the SQLite API.
///
/// GRDB's `StatementArguments` is generic over the values it is given, and called from
/// another module it runs unspecialised: building, checking and binding the arguments of a
/// Submit's statements cost more CPU than SQLite's own work for several of them (≈ 13 % of
/// the daemon's time per Submit in a profile). These helpers take concrete
/// `DatabaseValue`s, bind them with `sqlite3_bind_*`, step, and reset, on statements GRDB
/// prepared and caches. They are for statements inside a transaction the caller already
/// holds; errors come back as GRDB's `DatabaseError`, as from GRDB itself.
extension Statement {
    /// Runs the statement to completion with `values` bound in order.
    func run(_ values: [DatabaseValue]) throws {
        try bind(values)
        defer { sqlite3_reset(sqliteStatement) }
        while true {
            let code = sqlite3_step(sqliteStatement)
            if code == SQLITE_DONE { return }
            if code != SQLITE_ROW { throw failure(code) }
        }
    }

    /// Steps through the result rows with `values` bound, handing `body` the SQLite
    /// statement at each row (its columns are read with `sqlite3_column_*`).
    func forEachRow(_ values: [DatabaseValue], _ body: (OpaquePointer) throws -> Void) throws {
        try bind(values)
        defer { sqlite3_reset(sqliteStatement) }
        while true {
            let code = sqlite3_step(sqliteStatement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw failure(code) }
            try body(sqliteStatement)
        }
    }

    /// The first column of every result row, as text (NULLs skipped).
    func texts(_ values: [DatabaseValue]) throws -> [String] {
        var texts: [String] = []
        try forEachRow(values) { row in
            if let text = sqlite3_column_text(row, 0) { texts.append(String(cString: text)) }
        }
        return texts
    }

    private func bind(_ values: [DatabaseValue]) throws {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        guard values.count == Int(sqlite3_bind_parameter_count(handle)) else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE,
                message: "\(values.count) values for \(sqlite3_bind_parameter_count(handle)) parameters",
                sql: sql
            )
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value.storage {
            case .null: code = sqlite3_bind_null(handle, index)
            case .int64(let number): code = sqlite3_bind_int64(handle, index, number)
            case .double(let number): code = sqlite3_bind_double(handle, index, number)
            case .string(let text): code = sqlite3_bind_text(handle, index, text, -1, Self.transient)
            case .blob(let data):
                code = data.withUnsafeBytes {
                    sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient)
                }
            }
            guard code == SQLITE_OK else { throw failure(code) }
        }
    }

    /// SQLite copies what it is given (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func failure(_ code: Int32) -> DatabaseError {
        let connection = sqlite3_db_handle(sqliteStatement)
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: extended), message: message, sql: sql)
    }
}
