"""Prints the benchmark table from wrk's result lines and the fsync probe.

Usage: python report.py RESULTS_JSONL PROBE_JSON PARAMD_STATUS WORK_DIR
  PARAMD_STATUS is "ok", "standin" (a second peer played paramd) or a reason it was unavailable.
"""
import json
import os
import sys

import workload

CASES = [  # (key, what it measures, request/s target vs the peer or None)
    ("get", "GET one parameter 4.weight [10,256] JSON", None),
    # The headline forward bodies: Python's json.dumps of float32 rows (17 digits, ", ").
    ("fwd_b1", "forward batch 1, JSON (Python float32 body)", 8.0),
    ("fwd_b64", "forward batch 64, JSON (Python float32 body)", 4.0),
    ("fwd_b256", "forward batch 256, raw float32 in/out", 2.0),
    ("patch", "PATCH one element of 4.weight, durable", None),
] + [  # the other client payload families (bench/JSONBench/payloads.py), same inputs
    (f"fwd_{family}_{batch}", f"forward {batch}, JSON {family} body", None)
    for family in workload.FAMILIES for batch in ("b1", "b64")
]


def ms(us):
    return f"{us / 1000:.2f}" if us < 100_000 else f"{us / 1000:.0f}"


def problems(row):
    bad = {k: v for k, v in row.items() if (k.startswith("errors_") or k == "not_200") and v}
    text = ", ".join(f"{k}={v}" for k, v in bad.items())
    if row["requests"] == 0:
        text = "NO RESPONSE within the run" + (f" ({text})" if text else "")
    return text


def pooled(parts):
    """One row from a server's rounds of a case: counts and rates pooled; p50 and p99 are the
    request-weighted mean of the rounds' percentiles (wrk exposes percentiles, not histograms)."""
    total = sum(p["requests"] for p in parts)
    row = {k: sum(p[k] for p in parts) for k in parts[0] if isinstance(parts[0][k], int)}
    row["rps"] = total / (row["duration_us"] / 1e6)
    for key in ("p50_us", "p99_us"):
        row[key] = sum(p[key] * p["requests"] for p in parts) / total if total else 0
    row["max_us"] = max(p["max_us"] for p in parts)
    return row


def main(results_path, probe_path, paramd_status, work):
    rounds = {}
    for line in open(results_path):
        row = json.loads(line)
        rounds.setdefault(row["label"], []).append(row)
    rows = {label: pooled(parts) for label, parts in rounds.items()}
    serial = {}
    serial_path = os.path.join(work, "service_time.jsonl")
    if os.path.exists(serial_path):
        serial = {r["label"]: r for r in map(json.loads, open(serial_path))}
    ours = "paramd" if paramd_status == "ok" else ("paramd*" if paramd_status == "standin" else None)
    header = f"{'case':<42} {'server':<8} {'1-client min':>12} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}"
    print(header + f" {'paramd/peer req/s':>18} {'p99 paramd/peer':>16}  target")
    print("-" * (len(header) + 44))
    warnings = []
    for key, title, target in CASES:
        theirs = rows.get(f"peer/{key}")
        mine = rows.get(f"paramd/{key}")
        for name, row in (("paramd", mine), ("peer", theirs)):
            if row is None:
                continue
            label = title if name == "paramd" or mine is None else ""
            one = serial.get(f"{name}/{key}")
            one_text = ms(one["min_us"]) if one and one["statuses"] == [200] else "—"
            line = (f"{label:<42} {name:<8} {one_text:>12} {row['rps']:>9.1f} {ms(row['p50_us']):>8} "
                    f"{ms(row['p99_us']):>8}")
            if name == "paramd" and theirs is not None and not (row["requests"] and theirs["requests"]):
                line += f" {'—':>18} {'—':>16}  no responses: not comparable"
            elif name == "paramd" and theirs is not None:
                ratio = row["rps"] / theirs["rps"] if theirs["rps"] else float("inf")
                p99 = row["p99_us"] / theirs["p99_us"] if theirs["p99_us"] else float("inf")
                verdict = ""
                if target is not None:
                    met = ratio >= target and p99 < 1.0
                    verdict = f"≥{target:g}× and p99 below: {'met' if met else 'MISSED'}"
                line += f" {ratio:>17.2f}× {p99:>15.2f}×  {verdict}"
            print(line)
            if problems(row):
                note = " (figures include failed requests)" if row["requests"] else ""
                warnings.append(f"{name} {key}: {problems(row)}{note}")
    print("1-client min: fastest round trip of 41 sequential requests from one client (server work +"
          " loopback + client,\nnothing queued, least disturbed by other load); req/s, p50, p99: wrk"
          " with 16 connections; times in ms.")
    if ours is None:
        print(f"\nparamd: UNAVAILABLE ({paramd_status}); only the peer was measured.")
    elif ours == "paramd*":
        print("\n'paramd' rows are a SECOND PEER INSTANCE standing in for paramd (harness self-test).")
    for warning in warnings:
        print("WARNING " + warning)

    probe = json.load(open(probe_path))
    f, r = probe["fsync_4k"], probe["replace"]
    print(f"\nDurable writes on this disk (same file system as both data directories):")
    print(f"  fsync of a 4 KiB rewrite:         {f['rate']:7.1f}/s  p50 {f['p50_ms']:.2f} ms  p99 {f['p99_ms']:.2f} ms")
    print(f"  temp+fsync+rename+fsync(dir), {probe['replace_bytes'] / 1e6:.2f} MB: "
          f"{r['rate']:6.1f}/s  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms")
    durable = {}
    for name in ("paramd", "peer"):
        path = os.path.join(work, f"durability-{name}.json")
        d = json.load(open(path)) if os.path.exists(path) else {}
        if d.get("traced") and d.get("acknowledged"):
            durable[name] = d["syncs"] >= d["acknowledged"]
    for name in ("paramd", "peer"):
        row = rows.get(f"{name}/patch")
        if row:
            kind = {True: "durable", False: "NOT durable"}.get(durable.get(name), "unverified")
            print(f"  {name} PATCH: {row['rps']:.1f} acknowledged writes/s ({kind}) = "
                  f"{row['rps'] / r['rate']:.2f}× the single-writer replace rate, "
                  f"{row['rps'] / f['rate']:.2f}× the raw fsync rate")
    print("  A server that makes each write durable on its own cannot exceed the replace rate; "
          "above it means writes share fsyncs (group commit) or write less than the whole state.")
    for name in ("paramd", "peer"):
        path = os.path.join(work, f"durability-{name}.json")
        if not os.path.exists(path):
            continue
        d = json.load(open(path))
        if not d.get("traced"):
            print(f"  {name}: the sync-call count is unavailable (strace could not attach)")
            continue
        per = d["syncs"] / d["acknowledged"] if d["acknowledged"] else 0
        verdict = "durable" if per >= 1 else "NOT DURABLE: a 200 without an fsync behind it"
        print(f"  {name}: {d['acknowledged']}/{d['requests']} sequential PATCHes acknowledged with "
              f"{d['syncs']} fsync-type calls and {d['renames']} renames ({per:.1f} per write): {verdict}")


if __name__ == "__main__":
    main(*sys.argv[1:5])
