import Testing

@testable import HotlineCore

@Suite("Operations and method names")
struct OperationNameTests {
    @Test("Every operation's method name maps back to it; other names map to nothing")
    func roundTrip() {
        for operation in HotlineOperation.allCases {
            #expect(HotlineOperation(method: operation.method) == operation)
        }
        #expect(HotlineOperation.requestExtension.method == "RequestExtension")
        #expect(HotlineOperation(method: "GetInterfaceDescription") == .getInterfaceDescription)
        #expect(HotlineOperation(method: "requestExtension") == nil)
        #expect(HotlineOperation(method: "Unknown") == nil)
        #expect(HotlineOperation(method: "") == nil)
    }
}
