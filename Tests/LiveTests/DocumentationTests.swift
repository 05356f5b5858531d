import Foundation
import HotlineTesting
import Testing
import Varlink

/// The repository's own reference (docs/) against the daemon it describes.
@Suite("The reference in docs/", .enabled(if: isRoot, "setpriv needs root"))
struct DocumentationTests {
    @Test("docs/interfaces holds every interface the daemon serves, exactly as it serves it")
    func interfaceFiles() throws {
        let daemon = try startedDaemon()
        let folder = repository + "/docs/interfaces"
        let served = try #require(daemon.call("org.varlink.service.GetInfo").parameters["interfaces"]?.arrayValue)
            .compactMap(\.stringValue)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".varlink") }
        #expect(Set(files) == Set(served.map { $0 + ".varlink" }), "run scripts/interfaces")
        for interface in served {
            let reply = try daemon.call(
                "org.varlink.service.GetInterfaceDescription",
                ["interface": .string(interface)]
            )
            let description = try #require(reply.parameters["description"]?.stringValue)
            let file = try String(contentsOfFile: "\(folder)/\(interface).varlink", encoding: .utf8)
            #expect(
                file == description,
                "docs/interfaces/\(interface).varlink differs from the daemon's; run scripts/interfaces"
            )
        }
    }

    @Test("Every configuration key the loader accepts is in docs/configuration.md")
    func configurationKeys() throws {
        let reference = try String(contentsOfFile: repository + "/docs/configuration.md", encoding: .utf8)
        let loader = try String(
            contentsOfFile: repository + "/Sources/HotlineDaemon/ConfigurationLoader.swift",
            encoding: .utf8
        )
        // The keys of every `allowed: [...]` list, and the duration keys of [sla].
        var keys: Set<String> = []
        for list in loader.matches(of: /allowed: \[([^\]]*)\]/) {
            for key in String(list.1).matches(of: /"([a-z_]+)"/) { keys.insert(String(key.1)) }
        }
        for key in loader.matches(of: /\("([a-z_]+)", \\\.[a-zA-Z]+\)/) { keys.insert(String(key.1)) }
        #expect(
            keys.isSuperset(of: ["socket", "workday_start", "claim", "rating_window", "weights", "co_units"]),
            "\(keys)"
        )
        for key in keys {
            #expect(
                reference.contains("`\(key)`") || reference.contains("[\(key)]") || reference.contains("\(key) ="),
                "docs/configuration.md does not describe \(key)"
            )
        }
    }

    @Test("Every message id the daemon logs is in docs/journal.md and the catalog")
    func messageIDs() throws {
        let journal = try String(contentsOfFile: repository + "/docs/journal.md", encoding: .utf8)
        let catalog = try String(contentsOfFile: repository + "/systemd/hotline.catalog", encoding: .utf8)
        let source = try String(contentsOfFile: repository + "/Sources/HotlineSystemd/MessageID.swift", encoding: .utf8)
        let ids = source.matches(of: /"([0-9a-f]{32})"/).map { String($0.1) }
        #expect(ids.count >= 11)
        for id in ids {
            #expect(journal.contains("`\(id)`"), "docs/journal.md lacks \(id)")
            #expect(catalog.contains("-- \(id)"), "the catalog lacks \(id)")
        }
    }
}
