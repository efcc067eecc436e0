#!/usr/bin/env bash
# Runs N `aws-cli-oidc get-cred -p oidc -r $ROLE -j -s` at once and waits for
# all of them; fails unless every one exits 0 and all print the same
# credentials. Used by parallel_cold.sh (environment from bench/lib.sh).
set -euo pipefail
n="${1:?usage: parallel_burst.sh N}"
out="$(mktemp -d "${TMPDIR:-/tmp}/aws-cli-oidc-burst.XXXXXX")"
trap 'rm -rf "$out"' EXIT
pids=()
for i in $(seq 1 "$n"); do
  "$BIN" get-cred -p oidc -r "$ROLE" -j -s >"$out/$i.json" 2>"$out/$i.err" &
  pids+=("$!")
done
failed=0
for pid in "${pids[@]}"; do
  wait "$pid" || failed=$((failed + 1))
done
if [ "$failed" -ne 0 ]; then
  echo "parallel_burst: $failed of $n calls failed; first stderr:" >&2
  cat "$out/1.err" >&2
  exit 1
fi
distinct="$(cat "$out"/*.json | sort -u | wc -l)"
if [ "$distinct" -ne 1 ]; then
  echo "parallel_burst: $distinct different answers from $n calls" >&2
  exit 1
fi
