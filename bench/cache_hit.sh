#!/usr/bin/env bash
# The credential_process hot path: `aws-cli-oidc get-cred -p oidc -r ROLE -j -s`
# answering from a warm cache, against `cat` of the cache entry file (the
# floor: one process start and one small file read). Goals: file <= 1.3x
# cat, auto with a live Secret Service <= 1.5x cat.
#
# Starts the end-to-end peers (tests/peers: oidc-provider and moto's STS on
# 127.0.0.1), warms the cache with one real login (BROWSER=tests/peers/browser.sh),
# then runs hyperfine -N, $RUNS runs (default 300) split over $ROUNDS rounds
# (default 5, the order of the two commands swapped each round), for
#   1. secret_store: file (no D-Bus session), and
#   2. secret_store: keyring and secret_store: auto, under dbus-run-session
#      with a throwaway gnome-keyring unlocked (skipped with a note when
#      dbus-run-session or gnome-keyring-daemon is missing).
# With BENCH_STATIC=1 the file store is also measured with a static-pie
# build, for comparison only (BENCHMARKS.md says why it is not installed).
# Prints hyperfine's tables and a summary with the
# medians and ratios (one line per store, "hit STORE get-cred -s ..."; bench/all.sh
# collects them).
# Every process it starts is stopped by PID on exit.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
runs="${RUNS:-300}"
rounds="${ROUNDS:-5}"
if ! ((rounds >= 1 && runs / rounds >= 2)); then
  echo "cache_hit.sh: RUNS ($runs) must be at least twice ROUNDS ($rounds)" >&2
  exit 2
fi

hit_cmd() { printf '%s get-cred -p oidc -r %s -j -s' "$BIN" "$ROLE"; }

# The hit and `cat` in rounds (bench_rounds: their order swapped every
# round). One JSON per round.
measure() { # STORE HIT_CMD ENTRY OUT_PREFIX
  bench_rounds "$4" "$runs" "$rounds" --warmup 10 -- "get-cred -s ($1)" "$2" "cat entry" "cat $3"
}

# Warm the cache with one browser login; check that a second call is a hit
# with the same answer; print the entry file for the file store.
warm() { # LABEL
  local first second
  first="$("$BIN" get-cred -p oidc -r "$ROLE" -j -s)"
  second="$("$BIN" get-cred -p oidc -r "$ROLE" -j -s 2>"$HOME/hit.err")"
  if [ "$first" != "$second" ] || [ -s "$HOME/hit.err" ]; then
    echo "$1: the second call is not a silent cache hit" >&2
    cat "$HOME/hit.err" >&2
    exit 1
  fi
  if [ "$(cat "$E2E_DIR/browser_runs" 2>/dev/null | wc -l)" -ne 1 ]; then
    echo "$1: expected exactly one browser launch" >&2
    exit 1
  fi
}

# Inside dbus-run-session: a throwaway unlocked gnome-keyring, then measure
# the keyring and auto stores.
if [ "${1:-}" = --keyring-inner ]; then
  dir="$2" entry="$3"
  export XDG_DATA_HOME="$dir/xdg"
  mkdir -p "$XDG_DATA_HOME"
  printf pw | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
  kpid=$!
  trap 'kill -TERM "$kpid" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; then
      break
    fi
    sleep 0.1
  done
  for store in keyring auto; do
    (
      bench_sandbox "$dir/$store" "$store"
      warm "$store"
      if [ "$store" = keyring ] && ls "$AWS_CLI_OIDC_CONFIG"/cache/creds.* >/dev/null 2>&1; then
        echo "keyring: entries went to files, not the keyring" >&2
        exit 1
      fi
      measure "$store" "$(hit_cmd)" "$entry" "$dir/$store"
      # Both sandboxes use provider `oidc` in the one keyring: leave nothing
      # for the next store to find there.
      "$BIN" clear-secret >/dev/null
    )
  done
  exit 0
fi

bench_init
bench_start_peers
echo "== peers: provider $ISSUER, sts $STS_URL" >&2

# 1. File store.
(
  unset DBUS_SESSION_BUS_ADDRESS
  bench_sandbox "$BENCH_TMP/file" file
  warm file
  entry="$(ls "$AWS_CLI_OIDC_CONFIG"/cache/creds.oidc.*.json)"
  echo "$entry" >"$BENCH_TMP/entry"
  measure file "$(hit_cmd)" "$entry" "$BENCH_TMP/file"
  if [ -n "$BIN_STATIC" ]; then
    measure "file, static-pie" "$(BIN=$BIN_STATIC hit_cmd)" "$entry" "$BENCH_TMP/static"
  fi
  if [ "$(wc -l <"$E2E_DIR/browser_runs")" -ne 1 ]; then
    echo "file: a measured call launched the browser" >&2
    exit 1
  fi
)
entry="$(cat "$BENCH_TMP/entry")"

# 2. Keyring and auto (Secret Service), when available.
keyring="skipped (dbus-run-session or gnome-keyring-daemon missing)"
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  export BIN
  if timeout 900 dbus-run-session -- bash "$0" --keyring-inner "$BENCH_TMP" "$entry"; then
    keyring=measured
  else
    keyring="failed (see above)"
  fi
fi

ratio() { # LABEL PREFIX GOAL
  local r lo hi hit cat n
  read -r r lo hi hit cat n < <(bench_round_ratio "$2" "get-cred -s ($1)" "cat entry") ||
    { echo "hit $1: no results" >&2; return 1; }
  printf 'hit %-8s get-cred -s %6.2f ms, cat %5.2f ms, ratio %5.2fx (median of %s rounds, %s to %s) %s\n' \
    "$1" "$hit" "$cat" "$r" "$n" "$lo" "$hi" "$3"
}
echo
echo "== cache hit ($rounds rounds of $((runs / rounds)) runs; each ratio is the median of the rounds' ratios)"
ratio file "$BENCH_TMP/file" "(goal <= 1.3x)"
if [ -n "$BIN_STATIC" ]; then
  ratio "file, static-pie" "$BENCH_TMP/static" "(not a build to install)"
fi
if [ "$keyring" = measured ]; then
  ratio keyring "$BENCH_TMP/keyring" ""
  ratio auto "$BENCH_TMP/auto" "(goal <= 1.5x)"
else
  echo "hit keyring: $keyring"
  echo "hit auto: $keyring"
fi
