#!/usr/bin/env bash
# Cold start under load: wall time of 50 parallel
# `aws-cli-oidc get-cred -p oidc -r ROLE -j -s` on an empty cache against one
# such call (a single browser login: discovery, authorization code with
# PKCE through tests/peers/browser.sh, token exchange, STS). The cache is
# cleared (`clear-secret`) before every run, so each run does one real login
# and, with the per-provider lock, 49 callers wait and read the cache.
#
# Starts the end-to-end peers with E2E_PROVIDER_DEBUG=1 and checks after the
# runs that there was exactly one browser launch and one authorization-code
# exchange per run. RUNS (default 10) sets hyperfine's run count.
# Every process it starts is stopped by PID on exit.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
runs="${RUNS:-10}"

bench_init
export E2E_PROVIDER_DEBUG=1
bench_start_peers
unset E2E_PROVIDER_DEBUG DBUS_SESSION_BUS_ADDRESS
bench_sandbox "$BENCH_TMP/s" file
export BIN
burst="$bench_root/bench/parallel_burst.sh"
# The first call writes the `auto` marker etc.; not measured.
"$BIN" get-cred -p oidc -r "$ROLE" -j -s >/dev/null

count() { # what in the provider log
  grep -c "grant.success $1\$" "$BENCH_TMP/provider.err" || true
}
browser_before="$(wc -l <"$E2E_DIR/browser_runs")"
codes_before="$(count authorization_code)"

hyperfine --runs "$runs" -N --export-json "$BENCH_TMP/cold.json" \
  --prepare "$BIN clear-secret" \
  -n "1 cold call" "bash $burst 1" \
  -n "50 parallel cold calls" "bash $burst 50" >&2

launches=$(($(wc -l <"$E2E_DIR/browser_runs") - browser_before))
codes=$(($(count authorization_code) - codes_before))
expected=$((2 * runs))
echo
echo "== cold cache (median of $runs runs)"
one="$(bench_median_ms "$BENCH_TMP/cold.json" 0)"
fifty="$(bench_median_ms "$BENCH_TMP/cold.json" 1)"
python3 -c 'import sys; a,b=map(float,sys.argv[1:]); print(f"1 call {a:.0f} ms, 50 parallel calls {b:.0f} ms, ratio {b/a:.2f}x")' "$one" "$fifty"
echo "browser launches: $launches, authorization-code exchanges: $codes (expected $expected: one per run)"
if [ "$launches" -ne "$expected" ] || [ "$codes" -ne "$expected" ]; then
  echo "single flight broken: more than one login per run" >&2
  exit 1
fi
