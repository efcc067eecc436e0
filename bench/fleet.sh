#!/usr/bin/env bash
# Fleet simulation: the load N machines running `aws-cli-oidc refresh` from
# the same cron slot put on the OIDC provider and on STS, with and without
# `refresh --jitter`.
#
# Usage: bash bench/fleet.sh [N]       N machines, default 50, at most 1000
# Env:   FLEET_JITTER  the --jitter of the second round (default 30s)
#        FLEET_PREP    parallel logins while preparing (default 8)
#        FLEET_TIMEOUT seconds one machine's refresh may take (default 120)
#
# It starts oidc-provider (tests/peers/provider.mjs) and moto's STS
# (tests/peers/moto_sts.py) on 127.0.0.1, both writing a per-request log
# (E2E_REQUEST_LOG). Each simulated machine is its own HOME with its own
# config.yaml (secret_store: file) and AWS files, and one profile written by
# `login --profile dev` through the test browser (tests/peers/browser.sh).
#
# Then two rounds of `refresh --quiet --within 90` on every machine (a
# one-hour session is always due within 90 minutes): all released at the
# same instant (a shared lock the script holds, then drops), and again with
# `--jitter $FLEET_JITTER`. For each round it prints the requests per second
# the provider and STS saw (peak over one-second buckets, mean over the
# round), the failures, and each machine's wall time (min/median/max).
#
# Bounded: N <= 1000, each refresh under `timeout`, the peers exit after
# E2E_PEER_MAX_SECONDS. Every process it starts is stopped by PID on exit.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

n="${1:-50}"
jitter="${FLEET_JITTER:-30s}"
prep="${FLEET_PREP:-8}"
per_run="${FLEET_TIMEOUT:-120}"
if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ] || [ "$n" -gt 1000 ]; then
  echo "N must be 1..1000, not $n" >&2
  exit 2
fi

bench_init_base
export E2E_PEER_MAX_SECONDS=3600 E2E_UNBOUNDED_STORE=1
BENCH_REQUEST_LOGS=1 bench_start_peers
unset DBUS_SESSION_BUS_ADDRESS

machines="$BENCH_TMP/machines"
mkdir -p "$machines"

# One machine's login, in a subshell so its environment stays its own.
prepare() { # I
  (
    bench_sandbox "$machines/$1" file
    timeout "$per_run" "$BIN" login --profile dev -p oidc >/dev/null 2>"$machines/$1/login.err"
  )
}

echo "== preparing $n machines (one login each, $prep at a time)" >&2
failed_logins=0
running=0
for i in $(seq 1 "$n"); do
  prepare "$i" &
  running=$((running + 1))
  if [ "$running" -ge "$prep" ]; then
    wait -n || failed_logins=$((failed_logins + 1))
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || failed_logins=$((failed_logins + 1))
  running=$((running - 1))
done
if [ "$failed_logins" -gt 0 ]; then
  echo "$failed_logins logins failed; first error:" >&2
  cat "$(ls "$machines"/*/login.err | head -n1)" >&2
  exit 1
fi

# One round: every machine blocks on a shared lock the script holds, so they
# all start when it is dropped. Writes "I RC START END" lines (seconds).
round() { # NAME EXTRA_ARGS...
  local name="$1"
  shift
  local gate="$BENCH_TMP/$name.gate" out="$BENCH_TMP/$name.machines"
  : >"$out"
  exec 9>"$gate"
  flock -x 9
  local pids=() i
  for i in $(seq 1 "$n"); do
    (
      exec 9>&- # the script's lock must not live on in the machines
      bench_sandbox "$machines/$i" file
      flock -w 120 -s "$gate" true
      start="$EPOCHREALTIME"
      rc=0
      timeout "$per_run" "$BIN" refresh --quiet --within 90 "$@" \
        >/dev/null 2>"$machines/$i/$name.err" || rc=$?
      printf '%s %s %s %s\n' "$i" "$rc" "$start" "$EPOCHREALTIME" >>"$out"
    ) &
    pids+=("$!")
  done
  sleep 1 # let them reach the gate
  local begin="$EPOCHREALTIME"
  exec 9>&-
  wait "${pids[@]}" || true
  local end="$EPOCHREALTIME"
  printf '%s %s %s\n' "$name" "$begin" "$end" >>"$BENCH_TMP/rounds"
}

echo "== round 1: $n machines at once" >&2
round at-once
echo "== round 2: $n machines with --jitter $jitter" >&2
round jitter --jitter "$jitter"

python3 "$bench_root/bench/fleet_report.py" "$BENCH_TMP" "$n" "$jitter"
