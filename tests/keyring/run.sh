#!/usr/bin/env bash
# Tests the keyring store against a real Secret Service (gnome-keyring on a
# private D-Bus session bus), in three situations:
#   1. unlocked keyring: set/get/delete, entries, index and clear work, and
#      `auto` picks the keyring for refresh tokens; end to end against the
#      peers (tests/peers, installed first by tests/run.sh): `auto` keeps
#      credentials in files and the refresh token in the keyring, a hit
#      needs no session bus, clear-secret empties both, and entries the
#      older layout kept in the keyring are still read;
#   2. the same keyring, locked (daemon started without --unlock): opening
#      with `keyring` fails fast with a message saying how to switch, and
#      `auto` falls back to the file store with a one-time notice;
#   3. no session bus at all: the same as 2.
# Installs Debian's `dbus` and `gnome-keyring` when missing (needs root).
# Exits non-zero on any failure. Called by tests/run.sh.
#
# The Linux kernel keyutils store is not tested or used: it only works inside
# a session keyring (`keyctl session -`) and forgets everything at logout.
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v dbus-run-session >/dev/null || need+=(dbus)
command -v gnome-keyring-daemon >/dev/null || need+=(gnome-keyring)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  # Wait for another apt or dpkg instead of failing on its lock.
  apt=(apt-get -o DPkg::Lock::Timeout=600)
  "${apt[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Build first, outside the timeouts below.
cargo test --lib --no-run --locked -q
cargo test --features e2e --test e2e --no-run --locked -q

# The keyring files go to a throwaway XDG_DATA_HOME, never the user's.
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
export XDG_DATA_HOME="$data"
unset DBUS_SESSION_BUS_ADDRESS

filter='cache::keyring_real::'
run_tests() { # expect name
  AWS_CLI_OIDC_KEYRING_EXPECT="$1" cargo test --lib --locked -q "$filter$2" -- --ignored --nocapture 2>&1
}
run_e2e() { # expect name
  # One at a time: the sandboxes have HOMEs of their own but share this one
  # keyring, and its index entry is locked per config directory.
  AWS_CLI_OIDC_KEYRING_EXPECT="$1" cargo test --features e2e --test e2e --locked -q "$2" -- --ignored --test-threads=1 2>&1
}
export -f run_tests run_e2e
export filter

check() { # label output expected-count
  printf '%s\n' "$2" | grep -v -e 'fd limit' -e 'SystemPrompter' -e 'cannot open display' -e '^$' || true
  if ! printf '%s\n' "$2" | grep -q "test result: ok. $3 passed"; then
    echo "FAIL: $1" >&2
    exit 1
  fi
  echo "ok: $1"
}

echo "== 1. unlocked Secret Service"
out="$(timeout 300 dbus-run-session -- bash -c '
  printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  run_tests unlocked unlocked_keyring' 2>&1)" || true
check "unlocked keyring round trip and hit cost" "$out" 2

echo "== 1b. auto splits storage by lifetime (end to end, unlocked Secret Service)"
out="$(timeout 600 dbus-run-session -- bash -c '
  printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  run_e2e unlocked keyring_split::' 2>&1)" || true
check "auto: credentials in files, refresh token in the keyring, hit without D-Bus" "$out" 2

echo "== 2. locked Secret Service (same keyring, daemon without --unlock)"
out="$(timeout 300 dbus-run-session -- bash -c '
  gnome-keyring-daemon --start --components=secrets >/dev/null
  run_tests unusable unusable_keyring_errors_and_auto_falls_back' 2>&1)" || true
check "locked keyring errors, auto falls back" "$out" 1

echo "== 3. no session bus"
out="$(timeout 300 bash -c 'run_tests unusable unusable_keyring_errors_and_auto_falls_back' 2>&1)" || true
check "no session bus errors, auto falls back" "$out" 1

echo "== keyring tests passed"
