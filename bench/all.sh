#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md in one run, with one summary of all
# ratios at the end:
#   1. cache hit against `cat`, for the file, keyring and auto stores (the
#      last two under a throwaway gnome-keyring; bench/cache_hit.sh);
#   2. `install-profile` of one profile against `cp` and `dd conv=fsync` of
#      the config file, at 100, 1,000, 10,000 and 100,000 profiles
#      (bench/awsfiles_upsert.sh);
#   3. 50 parallel cold calls against one login (bench/parallel_cold.sh).
# Run counts are kept small so the whole run takes about a minute after
# the release build; raise them with HIT_RUNS (default 100),
# UPSERT_RUNS (20) and COLD_RUNS (5). BENCH_STATIC=1 adds the file-store
# hit of a static-pie build, for comparison (one more full release build). Installs hyperfine
# from apt when missing. Measure on a quiet machine: the load average is printed before
# and after.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
out="$(mktemp -d "${TMPDIR:-/tmp}/aws-cli-oidc-all.XXXXXX")"
trap 'rm -rf "$out"' EXIT
bench_need_hyperfine
bench_release_bin aws-cli-oidc >/dev/null
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
start=$SECONDS
RUNS="${HIT_RUNS:-100}" timeout 1200 bash bench/cache_hit.sh | tee "$out/hit"
RUNS="${UPSERT_RUNS:-20}" timeout 1200 bash bench/awsfiles_upsert.sh | tee "$out/upsert"
RUNS="${COLD_RUNS:-5}" timeout 1200 bash bench/parallel_cold.sh | tee "$out/cold"
echo
echo "== summary ($(nproc) CPUs, $(uname -sr), hyperfine $(hyperfine --version | cut -d' ' -f2);" \
  "load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg); $((SECONDS - start)) s)"
grep -h -e '^hit ' -e '^upsert ' "$out/hit" "$out/upsert"
grep -h -e '^1 call' -e '^browser launches' "$out/cold" | sed 's/^/cold: /'
