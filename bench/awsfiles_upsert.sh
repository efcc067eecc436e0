#!/usr/bin/env bash
# Compare upserting one profile through the safe store (lock, parse, edit,
# render, fsync, rename, fsync dir; examples/awsfiles_upsert.rs) against a
# plain `cp` and a durable copy `dd conv=fsync` of the same file, at 100,
# 1,000, 10,000 and 100,000 profiles (SIZES overrides). Goals at 10,000:
# <= 2x dd conv=fsync, <= 3x cp; cost linear in the size.
# Needs hyperfine (installed from apt when missing). Prints hyperfine's
# tables and one summary line per size ("upsert N profiles: ...";
# bench/all.sh collects them).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v hyperfine >/dev/null; then
  echo "== installing hyperfine" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
fi
cargo build --release --locked -q --example awsfiles_upsert
exe=target/release/examples/awsfiles_upsert
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lines=()
for n in ${SIZES:-100 1000 10000 100000}; do
  f="$work/credentials-$n"
  awk -v n="$n" 'BEGIN {
    printf "# bench file with %d profiles\n", n
    for (i = 1; i <= n; i++)
      printf "[p%d]\naws_access_key_id = AKIA%016d ; comment\naws_secret_access_key = %040d\n\n", i, i, i
  }' >"$f"
  chmod 600 "$f"
  hyperfine --warmup 3 --min-runs "${RUNS:-30}" -N \
    --export-json "$work/r-$n.json" \
    "$exe $f p$((n / 2))" \
    "cp $f $f.copy" \
    "dd if=$f of=$f.dd bs=1M conv=fsync status=none" >&2
  lines+=("$(python3 - "$work/r-$n.json" "$n" "$(stat -c %s "$f")" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
up, cp, dd = (x["median"] for x in r)
n, size = int(sys.argv[2]), int(sys.argv[3])
print(f"upsert {n:>6} profiles ({size / 1e6:5.2f} MB): {up*1e3:7.2f} ms, "
      f"{up / size * 1e9:5.2f} ns/byte; cp {cp*1e3:6.2f} ms, ratio {up/cp:5.2f}x; "
      f"dd conv=fsync {dd*1e3:6.2f} ms, ratio {up/dd:5.2f}x")
PY
)")
done
echo
echo "== upsert one profile (medians; goals at 10,000: <= 2x dd conv=fsync, <= 3x cp)"
printf '%s\n' "${lines[@]}"
