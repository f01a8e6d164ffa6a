"""The ratio a Python-default JSON forward can reach on this machine, from figures of one run:
paramd's floor per request is the HTTP exchange of an equal-size request (floor.py: GET /healthz
plus what the body adds to a POST /healthz's 405, server CPU), plus its JSON parse of the body (JSONBench file, ns per number times the
numbers), plus the MLP's multiply-adds at the core's FMA peak; the peer's cost is its server CPU
per request for the same body (floor.py). Also prints paramd's batch-1 CPU per forward request
for the short compact and the Python-default bodies (issue #12 asks for at most 25 µs).

Usage: python ceiling.py PARAMD_FLOOR_JSON PEER_FLOOR_JSON PARSE_NS_B1 PARSE_NS_B64 [TARGET_B1 TARGET_B64]
  *_FLOOR_JSON: floor.py's OUT_JSON for each server; PARSE_NS_*: paramd's ns per number on the
  Python-default body of that batch (JSONBench file).
"""
import json
import sys

# Multiply-adds of one row through the MLP (784-256-256-10).
MACS_PER_ROW = 784 * 256 + 256 * 256 + 256 * 10


def flop_per_cycle():
    """Two FMA units of the widest lanes paramd's batch-1 gemm uses on this CPU: 16 lanes (its
    AVX-512 dot kernel) where /proc/cpuinfo lists avx512f, else 8 (AVX2): 64 or 32 FLOP a cycle."""
    for line in open("/proc/cpuinfo"):
        if line.startswith("flags"):
            return 64 if "avx512f" in line.split() else 32
    return 32


def core_ghz():
    """The nominal clock of this CPU (/proc/cpuinfo's first `cpu MHz`)."""
    for line in open("/proc/cpuinfo"):
        if line.startswith("cpu MHz"):
            return float(line.split(":")[1]) / 1000
    return 2.0


def main(paramd_path, peer_path, parse_ns_b1, parse_ns_b64, target_b1=8.0, target_b64=4.0):
    paramd, peer = json.load(open(paramd_path)), json.load(open(peer_path))
    ghz, flop = core_ghz(), flop_per_cycle()
    print(f"paramd, batch-1 forward, server CPU per request (one connection, sequential): short compact JSON "
          f"{paramd['b1_compact']['cpu_us']:.1f} µs, Python-default JSON {paramd['b1_json']['cpu_us']:.1f} µs "
          f"(raw float32 {paramd['b1_raw']['cpu_us']:.1f} µs, empty exchange {paramd['empty']['cpu_us']:.1f} µs)")
    print(f"floor of paramd's Python-default JSON forward: exchange of an equal-size request (GET /healthz + the body's part of a 405) + parse "
          f"+ gemm at the FMA peak ({ghz:.2f} GHz x {flop} FLOP/cycle)")
    for tag, batch, parse_ns, target in (("b1", 1, parse_ns_b1, target_b1), ("b64", 64, parse_ns_b64, target_b64)):
        # GET /healthz plus what the body adds to a 405 (the 405's problem document is not part of
        # a forward's exchange).
        exchange = paramd["empty"]["cpu_us"] + paramd[f"{tag}_trivial"]["cpu_us"] - paramd["refused"]["cpu_us"]
        parse = parse_ns * batch * 784 / 1000
        gemm = 2 * MACS_PER_ROW * batch / (ghz * 1e3 * flop)
        floor = exchange + parse + gemm
        measured, peer_cpu = paramd[f"{tag}_json"]["cpu_us"], peer[f"{tag}_json"]["cpu_us"]
        print(f"  batch {batch}: {exchange:.1f} + {parse:.1f} + {gemm:.1f} = {floor:.1f} µs; paramd measured "
              f"{measured:.1f} µs (JSON minus raw {measured - paramd[f'{tag}_raw']['cpu_us']:.1f} µs); peer "
              f"{peer_cpu:.1f} µs; CPU ratio peer/paramd {peer_cpu / measured:.2f}x, ceiling peer/floor "
              f"{peer_cpu / floor:.2f}x (target {target:g}x)")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], args[1], float(args[2]), float(args[3]), *(float(a) for a in args[4:6]))
