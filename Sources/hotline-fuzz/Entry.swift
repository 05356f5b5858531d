import Foundation

#if FUZZING
/// libFuzzer's driver, for executables that have their own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The input callback libFuzzer's runtime expects.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    Exercise.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// The executable's entry point under `-sanitize=fuzzer -D FUZZING` (scripts/stress): SwiftPM
/// names an executable's `main` after the target, so the fuzzer's own `main` is not used;
/// this one hands the command line to libFuzzer's driver.
@_cdecl("hotline_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOne)
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
