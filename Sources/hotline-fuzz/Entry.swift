import Foundation

#if FUZZING
/// The libFuzzer entry point (built with `-sanitize=fuzzer -D FUZZING` by scripts/stress).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    Exercise.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
/// Without the fuzzer: runs every file of the given corpus folders through the same code,
/// so that the test suite replays the corpus (and any crash the fuzzer once found).
@main
struct ReplayCorpus {
    static func main() throws {
        var count = 0
        for folder in CommandLine.arguments.dropFirst() {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
                let data = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(name))
                Exercise.run([UInt8](data))
                count += 1
            }
        }
        print("replayed \(count) inputs")
    }
}
#endif
