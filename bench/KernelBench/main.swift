// kernel-bench: GFLOP/s of our gemm and MLP forward beside numpy (OpenBLAS) and PyTorch CPU,
// all measured in this run. Usage: swift run -c release kernel-bench [--min-seconds S] [--no-peer]
import Foundation
import Kernels

var minSeconds = 0.3
var runPeer = true
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--min-seconds": minSeconds = Double(arguments.next() ?? "") ?? minSeconds
    case "--no-peer": runPeer = false
    default:
        print("usage: kernel-bench [--min-seconds S] [--no-peer]")
        exit(2)
    }
}

print("kernel-bench: instruction set \(InstructionSet.detected), \(BenchPlan.threadCounts) threads")
let ours = OurTimes.measure(minSeconds: minSeconds)
var peer: PeerResults?
if runPeer {
    do {
        peer = try Peer.run(minSeconds: minSeconds)
    } catch {
        print("peer: \(error)")
    }
}
if let peer { print("peers: \(peer.description)") }
Report.print(ours: ours, peer: peer)
