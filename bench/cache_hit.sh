#!/usr/bin/env bash
# The credential_process hot path: `aws-cli-oidc get-cred -p oidc -r ROLE -j -s`
# answering from a warm cache, against `cat` of the cache entry file (the
# floor: one process start and one small file read). Goal: median <= 2x cat.
#
# Starts the end-to-end peers (tests/peers: oidc-provider and moto's STS on
# 127.0.0.1), warms the cache with one real login (BROWSER=tests/peers/browser.sh),
# then runs hyperfine --warmup 20 --runs 300 -N for
#   1. secret_store: file (no D-Bus session), and
#   2. secret_store: keyring, under dbus-run-session with a throwaway
#      gnome-keyring unlocked (skipped with a note when dbus-run-session or
#      gnome-keyring-daemon is missing).
# Prints hyperfine's tables and a summary with the medians and ratios.
# Every process it starts is stopped by PID on exit.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

hit_cmd() { printf '%s get-cred -p oidc -r %s -j -s' "$BIN" "$ROLE"; }

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
  if [ "$(wc -l <"$E2E_DIR/browser_runs")" -ne 1 ]; then
    echo "$1: expected exactly one browser launch" >&2
    exit 1
  fi
}

# Inside dbus-run-session: a throwaway unlocked gnome-keyring, then measure.
if [ "${1:-}" = --keyring-inner ]; then
  dir="$2" entry="$3" out="$4"
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
  bench_sandbox "$dir" keyring
  warm keyring
  if [ -d "$AWS_CLI_OIDC_CONFIG/cache" ] && ls "$AWS_CLI_OIDC_CONFIG/cache"/creds.* >/dev/null 2>&1; then
    echo "keyring: entries went to files, not the keyring" >&2
    exit 1
  fi
  hyperfine --warmup 20 --runs 300 -N --export-json "$out" \
    -n "get-cred -s (keyring)" "$(hit_cmd)" \
    -n "cat entry" "cat $entry" >&2
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
  hyperfine --warmup 20 --runs 300 -N --export-json "$BENCH_TMP/file.json" \
    -n "get-cred -s (file)" "$(hit_cmd)" \
    -n "cat entry" "cat $entry" >&2
  if [ "$(wc -l <"$E2E_DIR/browser_runs")" -ne 1 ]; then
    echo "file: a measured call launched the browser" >&2
    exit 1
  fi
)
entry="$(cat "$BENCH_TMP/entry")"

# 2. Keyring (Secret Service), when available.
keyring="skipped (dbus-run-session or gnome-keyring-daemon missing)"
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  export BIN
  if timeout 900 dbus-run-session -- bash "$0" --keyring-inner "$BENCH_TMP/keyring" "$entry" \
    "$BENCH_TMP/keyring.json"; then
    keyring=measured
  else
    keyring="failed (see above)"
  fi
fi

echo
echo "== cache hit (median of 300 runs)"
f_hit="$(bench_median_ms "$BENCH_TMP/file.json" 0)"
f_cat="$(bench_median_ms "$BENCH_TMP/file.json" 1)"
python3 -c 'import sys; h,c=map(float,sys.argv[1:]); print(f"file store:    get-cred -s {h:.2f} ms, cat {c:.2f} ms, ratio {h/c:.2f}x (goal <= 2x)")' "$f_hit" "$f_cat"
if [ "$keyring" = measured ]; then
  k_hit="$(bench_median_ms "$BENCH_TMP/keyring.json" 0)"
  k_cat="$(bench_median_ms "$BENCH_TMP/keyring.json" 1)"
  python3 -c 'import sys; h,c=map(float,sys.argv[1:]); print(f"keyring store: get-cred -s {h:.2f} ms, cat {c:.2f} ms, ratio {h/c:.2f}x")' "$k_hit" "$k_cat"
else
  echo "keyring store: $keyring"
fi
