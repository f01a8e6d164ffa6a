// kernel-bench: GFLOP/s of our gemm, MLP forward, conv2d and LeNet beside numpy (OpenBLAS) and PyTorch CPU,
// measured in this run, case by case, alternating ours and the peers' twice and keeping each
// side's best. Usage: swift run -c release kernel-bench [--min-seconds S] [--no-peer] [--filter TEXT]
import Foundation
import Kernels

var minSeconds = 0.25
var usePeer = true
var filter: String?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--min-seconds": minSeconds = Double(arguments.next() ?? "") ?? minSeconds
    case "--no-peer": usePeer = false
    case "--filter": filter = arguments.next()
    default:
        print("usage: kernel-bench [--min-seconds S] [--no-peer] [--filter LABEL-SUBSTRING]")
        exit(2)
    }
}

/// The 1-minute load average, printed so a table taken on a busy machine says so.
func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).map { String($0.split(separator: " ")[0]) } ?? "?"
}

let gemmWidth = InstructionSet.gemmAVX512 ? "gemm AVX-512F" : "gemm \(InstructionSet.detected) (CK_GEMM_ISA=avx2 or no AVX-512F)"
print(
    "kernel-bench: our kernels on \(InstructionSet.detected), \(gemmWidth); threads \(BenchPlan.threadCounts); load average \(loadAverage())"
)
var peer: PeerSession?
if usePeer {
    do {
        peer = try PeerSession()
        print("peers: \(peer!.description)")
    } catch {
        print("peers unavailable: \(error)")
    }
}

var results: [Report.Row] = []
let cases = (BenchPlan.squares + BenchPlan.linearShapes + BenchPlan.forwards + BenchPlan.convolutions + BenchPlan.lenets).filter {
    filter.map($0.label.contains) ?? true
}
for c in cases {
    var row = Report.Row(benchCase: c)
    for threads in BenchPlan.threadCounts {
        for _ in 0..<2 {
            row.record(.ours, threads, Ours.time(c, threads: threads, minSeconds: minSeconds / 2))
            if let session = peer {
                do {
                    let t = try session.time(c.peerRequest(threads: threads, minSeconds: minSeconds / 2))
                    if let numpy = t.numpy { row.record(.numpy, threads, numpy) }
                    if let torch = t.torch { row.record(.torch, threads, torch) }
                } catch {
                    print("peer failed on \(c.label): \(error)")
                    peer = nil
                }
            }
        }
    }
    results.append(row)
}
peer?.close()
Report.print(results)
print("load average at the end: \(loadAverage()) on \(ProcessInfo.processInfo.activeProcessorCount) CPUs")
