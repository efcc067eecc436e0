#!/usr/bin/env bash
# Compare upserting one profile through the safe store (lock, parse, edit,
# render, fsync, rename, fsync dir) against a plain `cp` of the same file, at
# 100, 1,000 and 10,000 profiles. Needs hyperfine (apt-get install -y hyperfine).
# Prints hyperfine's tables and the median ratio upsert/cp for each size.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --example awsfiles_upsert
exe=target/release/examples/awsfiles_upsert
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in 100 1000 10000; do
  f="$work/credentials-$n"
  {
    echo "# bench file with $n profiles"
    for i in $(seq 1 "$n"); do
      printf '[p%d]\naws_access_key_id = AKIA%016d ; comment\naws_secret_access_key = %040d\n\n' "$i" "$i" "$i"
    done
  } > "$f"
  chmod 600 "$f"
  hyperfine --warmup 5 --min-runs 30 -N \
    --export-json "$work/r-$n.json" \
    "$exe $f p$((n / 2))" \
    "cp $f $f.copy" >&2
  python3 - "$work/r-$n.json" "$n" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
up, cp = r[0]["median"], r[1]["median"]
print(f"{sys.argv[2]:>6} profiles: upsert {up*1e3:.2f} ms, cp {cp*1e3:.2f} ms, ratio {up/cp:.1f}x")
PY
done
