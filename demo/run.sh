#!/usr/bin/env bash
# A local end-to-end demo of aws-cli-oidc, in one command:
#
#   bash demo/run.sh
#
# It starts the test peers on 127.0.0.1 (a real OpenID Connect provider,
# tests/peers/provider.mjs, and moto's STS, tests/peers/moto_sts.py), then in a
# throwaway HOME: configures a provider with `setup`, logs in with `login`
# (tests/peers/browser.sh plays the browser and logs in as alice), and asks the
# real AWS CLI who it is with the profile just written. Nothing outside the
# throwaway HOME is touched: no ~/.aws, no keyring (the environment is cleared,
# so secrets go to files in that HOME). The peers are killed by PID on exit.
#
# Needs node, npm, python3 (venv) and curl; the peers are installed on first
# use with tests/peers/install.sh. Binary: $AWS_CLI_OIDC_BIN, else the newest
# of target/release and target/debug, built with `cargo build` when missing or
# older than the sources. Exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peers="$root/tests/peers"
role="arn:aws:iam::123456789012:role/developer"
started=$SECONDS

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: error: %s\n' "$*" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/aws-cli-oidc-demo.XXXXXX")"
pids=()
cleanup() {
  local code=$?
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
  if [ "$code" -ne 0 ]; then
    printf '\ndemo: FAILED (exit %s)\n' "$code" >&2
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the binary -------------------------------------------------------------
step "binary"
bin="${AWS_CLI_OIDC_BIN:-}"
if [ -z "$bin" ]; then
  for candidate in "$root/target/release/aws-cli-oidc" "$root/target/debug/aws-cli-oidc"; do
    if [ -x "$candidate" ] && { [ -z "$bin" ] || [ "$candidate" -nt "$bin" ]; }; then
      bin="$candidate"
    fi
  done
  if [ -z "$bin" ] || [ -n "$(find "$root/src" "$root/Cargo.toml" -newer "$bin" -print -quit)" ]; then
    echo "building with cargo build"
    (cd "$root" && cargo build --quiet) || die "cargo build failed"
    bin="$root/target/debug/aws-cli-oidc"
  fi
fi
[ -x "$bin" ] || die "no executable at $bin"
echo "using $bin ($("$bin" --version))"

# --- the peers --------------------------------------------------------------
if [ ! -d "$peers/node_modules/oidc-provider" ] || [ ! -x "$peers/.venv/bin/aws" ]; then
  step "installing the test peers (tests/peers/install.sh)"
  bash "$peers/install.sh" || die "tests/peers/install.sh failed"
fi

# start_peer NAME COMMAND...: runs COMMAND in tests/peers with stdout in
# $work/NAME.out and stdin on a FIFO this script holds open, so the peer also
# exits if this script dies without running its trap.
start_peer() {
  local name="$1"
  shift
  mkfifo "$work/$name.stdin"
  (cd "$peers" && exec "$@" <"$work/$name.stdin" >"$work/$name.out" 2>"$work/$name.log") &
  pids+=("$!")
  # Opening the write end unblocks the peer's open of the read end.
  exec {fd}>"$work/$name.stdin"
}

# wait_ready NAME: prints the URL of the peer's `READY <url>` line.
wait_ready() {
  local name="$1" line=""
  for _ in $(seq 1 300); do
    line="$(head -n 1 "$work/$name.out" 2>/dev/null || true)"
    case "$line" in
      "READY "*) printf '%s\n' "${line#READY }"; return 0 ;;
    esac
    sleep 0.1
  done
  echo "--- $name stderr ---" >&2
  tail -n 40 "$work/$name.log" >&2 || true
  die "$name printed no READY line within 30s"
}

step "starting the peers on 127.0.0.1"
export E2E_PEER_MAX_SECONDS=300
start_peer provider node provider.mjs 0
start_peer moto env PYTHONUNBUFFERED=1 "$peers/.venv/bin/python" moto_sts.py 0
echo "peers: provider pid ${pids[0]}, moto pid ${pids[1]}"
issuer="$(wait_ready provider)"
sts="$(wait_ready moto)"
echo "identity provider: $issuer"
echo "STS (moto):        $sts"

# --- the throwaway HOME ----------------------------------------------------
home="$work/home"
mkdir -p "$home" "$work/e2e"
chmod 700 "$home"
# A cleared environment: only what the demo means to set.
run() {
  env -i PATH="$PATH" HOME="$home" \
    BROWSER="$peers/browser.sh" E2E_DIR="$work/e2e" E2E_USER=alice E2E_MODE=normal \
    AWS_ENDPOINT_URL_STS="$sts" AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
    AWS_EC2_METADATA_DISABLED=true "$@"
}
show() { printf '$ %s\n' "$*"; }

step "1/3 setup: configure provider \"demo\""
setup_args=(setup demo --non-interactive
  --metadata-url "$issuer/.well-known/openid-configuration"
  --client-id aws-cli --federation-type oidc --default-role "$role")
show aws-cli-oidc "${setup_args[@]}"
run "$bin" "${setup_args[@]}" 2>&1 || die "setup failed"

step "2/3 login: browser login as alice, credentials into profile \"demo\""
show aws-cli-oidc login --profile demo -p demo
run "$bin" login --profile demo -p demo 2>&1 || die "login failed"

step "3/3 the real AWS CLI uses profile \"demo\""
show aws sts get-caller-identity --profile demo
identity="$(run "$peers/.venv/bin/aws" sts get-caller-identity --profile demo --output json)" \
  || die "aws sts get-caller-identity failed"
printf '%s\n' "$identity"
arn="$(printf '%s\n' "$identity" | sed -n 's/.*"Arn": *"\([^"]*\)".*/\1/p')"
case "$arn" in
  *":assumed-role/developer/"*) ;;
  *) die "unexpected caller identity: ${arn:-none}" ;;
esac

step "status"
show aws-cli-oidc status
run "$bin" status 2>&1 || die "status failed"

printf '\ndemo: OK in %ss: caller identity %s\n' "$((SECONDS - started))" "$arn"
