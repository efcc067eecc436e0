# Shared by the bench scripts (source it; not run on its own): the release
# binary, hyperfine, and the end-to-end peers (tests/peers) started on
# 127.0.0.1 and stopped by PID on exit.
#
# After `bench_start_peers`, ISSUER and STS_URL are set. `bench_sandbox DIR
# STORE` makes a config dir DIR/cfg (provider `oidc`, secret_store STORE)
# and exports the environment aws-cli-oidc and browser.sh run with.

bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_PIDS=()
BENCH_TMP=""

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    # Bounded wait, then SIGKILL.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  exec 7>&- 2>/dev/null || true
  [ -n "$BENCH_TMP" ] && rm -rf "$BENCH_TMP"
}

bench_init() {
  bench_need_hyperfine
  bench_init_base
}

# Installs hyperfine from apt when it is missing.
bench_need_hyperfine() {
  if ! command -v hyperfine >/dev/null; then
    echo "== installing hyperfine" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
  fi
}

# bench_init without hyperfine: the temporary directory, the traps that stop
# every peer by PID, the release binary, and a check for the peers.
bench_init_base() {
  BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/aws-cli-oidc-bench.XXXXXX")"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  BIN="$(bench_release_bin aws-cli-oidc)"
  # BENCH_STATIC=1: also a static-pie build (glibc, crt-static) in its own
  # target directory, measured beside the default one (a full release
  # build). Not a build to install: it crashes when an NSS module such as
  # myhostname answers a host-name lookup (BENCHMARKS.md).
  BIN_STATIC=""
  if [ "${BENCH_STATIC:-0}" = 1 ]; then
    BIN_STATIC="$(RUSTFLAGS="-C target-feature=+crt-static" bench_release_bin aws-cli-oidc \
      --target "$(rustc -vV | sed -n 's/^host: //p')" --target-dir "$bench_root/target/static")"
  fi
  local peers="$bench_root/tests/peers"
  if [ ! -d "$peers/node_modules/oidc-provider" ] || [ ! -x "$peers/.venv/bin/python" ]; then
    echo "the end-to-end peers are not installed: run bash tests/peers/install.sh" >&2
    exit 1
  fi
}

# Builds the release binary NAME with extra cargo arguments and prints its
# path as Cargo reports it (it differs with --target and --target-dir).
bench_release_bin() { # NAME [cargo args...]
  local name="$1"
  shift
  (cd "$bench_root" && cargo build --release --locked -q --bin "$name" "$@" \
    --message-format=json-render-diagnostics) |
    python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable"):
        print(m["executable"])
'
}

# Reads the READY line a peer printed into FILE, waiting up to 30 s.
bench_wait_ready() { # FILE NAME
  local line
  for _ in $(seq 1 300); do
    line="$(head -n1 "$1" 2>/dev/null || true)"
    if [[ "$line" == READY\ * ]]; then
      printf '%s\n' "${line#READY }"
      return 0
    fi
    sleep 0.1
  done
  echo "$2 printed no READY line within 30 s; its stderr:" >&2
  cat "${1%.out}.err" >&2 || true
  return 1
}

# BENCH_REQUEST_LOGS=1: the peers log every request with its time to
# $BENCH_TMP/provider.requests and $BENCH_TMP/sts.requests (E2E_REQUEST_LOG).
bench_start_peers() {
  local peers="$bench_root/tests/peers" log_provider="" log_sts=""
  if [ "${BENCH_REQUEST_LOGS:-0}" = 1 ]; then
    log_provider="$BENCH_TMP/provider.requests"
    log_sts="$BENCH_TMP/sts.requests"
  fi
  # Both peers exit when their stdin closes: hold a FIFO open on fd 7.
  mkfifo "$BENCH_TMP/peers.in"
  exec 7<>"$BENCH_TMP/peers.in"
  (cd "$peers" && E2E_REQUEST_LOG="$log_provider" exec node provider.mjs 0 <"$BENCH_TMP/peers.in" 7>&- \
    >"$BENCH_TMP/provider.out" 2>"$BENCH_TMP/provider.err") &
  BENCH_PIDS+=("$!")
  disown "$!"
  (cd "$peers" && E2E_REQUEST_LOG="$log_sts" PYTHONUNBUFFERED=1 exec .venv/bin/python moto_sts.py 0 <"$BENCH_TMP/peers.in" 7>&- \
    >"$BENCH_TMP/moto.out" 2>"$BENCH_TMP/moto.err") &
  BENCH_PIDS+=("$!")
  disown "$!"
  ISSUER="$(bench_wait_ready "$BENCH_TMP/provider.out" provider.mjs)"
  STS_URL="$(bench_wait_ready "$BENCH_TMP/moto.out" moto_sts.py)"
  export ISSUER STS_URL
}

bench_sandbox() { # DIR STORE
  local dir="$1" store="$2"
  mkdir -p "$dir/cfg" "$dir/aws" "$dir/e2e"
  cat >"$dir/cfg/config.yaml" <<EOF
oidc:
  oidc_provider_metadata_url: $ISSUER/.well-known/openid-configuration
  client_id: aws-cli
  aws_federation_type: oidc
  default_iam_role_arn: $ROLE
  max_session_duration_seconds: 3600
  aws_region: us-east-1
  login_timeout_seconds: 60
  secret_store: $store
EOF
  export HOME="$dir" AWS_CLI_OIDC_CONFIG="$dir/cfg" E2E_DIR="$dir/e2e"
  export BROWSER="$bench_root/tests/peers/browser.sh" E2E_USER=alice E2E_MODE=normal
  export AWS_ENDPOINT_URL_STS="$STS_URL" AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
  export AWS_CONFIG_FILE="$dir/aws/config" AWS_SHARED_CREDENTIALS_FILE="$dir/aws/credentials"
  export AWS_EC2_METADATA_DISABLED=true
}

ROLE="arn:aws:iam::123456789012:role/developer"
export ROLE

# Median (ms) of hyperfine result N in JSON FILE.
bench_median_ms() { # FILE N
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print("%.2f" % (r["median"]*1e3))' "$1" "$2"
}

# hyperfine in ROUNDS rounds of RUNS/ROUNDS runs each, the commands back to
# back and their order rotated every round, so that the drift of a shared
# machine falls on every command of a ratio. One JSON per round:
# PREFIX.R.json. The caller checks that RUNS is at least twice ROUNDS.
bench_rounds() { # PREFIX RUNS ROUNDS [hyperfine args...] -- NAME CMD [NAME CMD ...]
  local prefix="$1" runs="$2" rounds="$3"
  shift 3
  local args=() names=() cmds=() order r i
  while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
    args+=("$1")
    shift
  done
  shift
  while [ "$#" -ge 2 ]; do
    names+=("$1")
    cmds+=("$2")
    shift 2
  done
  for r in $(seq 1 "$rounds"); do
    order=()
    for ((i = 0; i < ${#names[@]}; i++)); do
      local j=$(((i + r - 1) % ${#names[@]}))
      order+=(-n "${names[j]}" "${cmds[j]}")
    done
    hyperfine -N --runs $((runs / rounds)) "${args[@]}" --export-json "$prefix.$r.json" "${order[@]}" >&2
  done
}

# Over the rounds PREFIX.*.json of bench_rounds: the median of the ratio
# NUM/DEN (commands by name), its lowest and highest, the medians of NUM
# and DEN in ms, and the number of rounds, on one line.
bench_round_ratio() { # PREFIX NUM DEN
  python3 - "$2" "$3" "$1".*.json <<'PY'
import json, statistics, sys
num, den = sys.argv[1], sys.argv[2]
files = [f for f in sys.argv[3:] if not f.endswith("*.json")]
if not files:
    sys.exit(f"no results for {num} / {den}")
ratios, nums, dens = [], [], []
for f in files:
    r = {x["command"]: x["median"] for x in json.load(open(f))["results"]}
    ratios.append(r[num] / r[den])
    nums.append(r[num])
    dens.append(r[den])
print(f"{statistics.median(ratios):.2f} {min(ratios):.2f} {max(ratios):.2f} "
      f"{statistics.median(nums) * 1e3:.2f} {statistics.median(dens) * 1e3:.2f} {len(files)}")
PY
}
