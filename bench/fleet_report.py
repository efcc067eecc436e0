"""The report of bench/fleet.sh: request rates at the provider and STS, the
failures and the machines' wall times, per round.

Usage: python3 fleet_report.py BENCH_TMP N JITTER

Reads BENCH_TMP/rounds ("NAME BEGIN END", seconds), BENCH_TMP/NAME.machines
("I RC START END"), and the peers' request logs provider.requests
("EPOCH_MS METHOD PATH STATUS [GRANT]") and sts.requests ("EPOCH_MS ACTION").
"""

import collections
import os
import statistics
import sys


def read_lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [line.split() for line in f if line.strip()]
    except FileNotFoundError:
        return []


def rates(times_ms, begin, end):
    """(count, peak per 1-s bucket, mean per second over the round)."""
    inside = [t / 1000 for t in times_ms if begin <= t / 1000 <= end]
    if not inside:
        return 0, 0, 0.0
    buckets = collections.Counter(int(t - begin) for t in inside)
    span = max(end - begin, 1e-9)
    return len(inside), max(buckets.values()), len(inside) / span


def main():
    tmp, n, jitter = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    provider = read_lines(os.path.join(tmp, "provider.requests"))
    sts = read_lines(os.path.join(tmp, "sts.requests"))
    provider_ms = [int(r[0]) for r in provider if len(r) >= 4 and not r[2].startswith("/__e2e")]
    sts_ms = [int(r[0]) for r in sts if r]
    rounds = read_lines(os.path.join(tmp, "rounds"))
    first = float(rounds[0][1]) if rounds else float("inf")
    logins_p = sum(1 for t in provider_ms if t / 1000 < first)
    logins_s = sum(1 for t in sts_ms if t / 1000 < first)
    print(f"== fleet: {n} machines, one `refresh --within 90` each per round")
    print(f"preparation (one browser login per machine): {logins_p / n:.1f} provider and "
          f"{logins_s / n:.1f} STS requests per login")
    print("round      | round s | provider req: n, peak/s, mean/s | STS req: n, peak/s, mean/s | failures | machine wall s: min / median / max")
    for name, begin, end in rounds:
        begin, end = float(begin), float(end)
        machines = read_lines(os.path.join(tmp, f"{name}.machines"))
        codes = collections.Counter(int(m[1]) for m in machines)
        missing = n - len(machines)
        failures = sum(c for rc, c in codes.items() if rc != 0) + missing
        walls = sorted(float(m[3]) - float(m[2]) for m in machines) or [0.0]
        p = rates(provider_ms, begin, end)
        s = rates(sts_ms, begin, end)
        label = name if name != "jitter" else f"jitter {jitter}"
        detail = ", ".join(f"exit {rc}: {c}" for rc, c in sorted(codes.items()) if rc != 0)
        if missing:
            detail += f"{', ' if detail else ''}no result: {missing}"
        print(
            f"{label:<10} | {end - begin:7.1f} | {p[0]:5d}, {p[1]:5d}, {p[2]:7.1f}"
            f"          | {s[0]:5d}, {s[1]:5d}, {s[2]:7.1f}     | {failures:3d}"
            f"{' (' + detail + ')' if detail else ''} | "
            f"{walls[0]:.2f} / {statistics.median(walls):.2f} / {walls[-1]:.2f}"
        )
    for name, _, _ in rounds:
        failed = [m for m in read_lines(os.path.join(tmp, f"{name}.machines")) if m[1] != "0"]
        if failed:
            err = os.path.join(tmp, "machines", failed[0][0], f"{name}.err")
            try:
                with open(err, encoding="utf-8", errors="replace") as f:
                    text = " | ".join(line.strip() for line in f if line.strip())
            except FileNotFoundError:
                text = "(no stderr)"
            print(f"{name}: first failure (machine {failed[0][0]}, exit {failed[0][1]}): {text[:600]}")
    paths = collections.Counter(r[2] for r in provider if len(r) >= 4 and int(r[0]) / 1000 >= first)
    print("provider requests during the rounds by path: "
          + ", ".join(f"{p} {c}" for p, c in sorted(paths.items())))
    print("(rates from the peers' own request logs; peak = most requests in one second of the round)")


if __name__ == "__main__":
    main()
