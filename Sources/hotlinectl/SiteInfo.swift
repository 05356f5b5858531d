import Foundation
import TOMLKit

/// What hotlinectl takes from the daemon's configuration file when it may read it: the units'
/// names (the protocol carries only ids) and the centre's time zone (for `--month`). Without
/// the file, ids are shown alone and the zone is the daemon's default, Asia/Shanghai.
struct SiteInfo {
    var unitNames: [String: String] = [:]
    var timeZone = TimeZone(identifier: "Asia/Shanghai")!

    static func load(path: String) -> SiteInfo {
        var info = SiteInfo()
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let table = try? TOMLTable(string: text)
        else {
            return info
        }
        if let zone = table["daemon"]?.table?["timezone"]?.string, let timeZone = TimeZone(identifier: zone) {
            info.timeZone = timeZone
        }
        for unit in table["unit"]?.array ?? [] {
            guard let id = unit.table?["id"]?.string else { continue }
            if let name = unit.table?["name"]?.string { info.unitNames[id] = name }
        }
        return info
    }
}
