#!/usr/bin/env bash
# Upserting one profile with the whole `aws-cli-oidc install-profile`
# command, in an AWS config file of 100, 1,000, 10,000 and 100,000 profiles
# (SIZES overrides), against a plain `cp` and a durable copy
# `dd conv=fsync` of the same file. The command reads config.yaml, takes the
# lock, reads and checks both AWS files, edits the profile's
# credential_process line, writes a temp file, fsyncs it, renames it over
# the config file and fsyncs the directory. Before every run (all three
# commands) hyperfine's --prepare puts the config file back as generated, so
# every install really rewrites it. $RUNS runs (default 30) of each, in
# $ROUNDS rounds (default 5) with the order of the three commands rotated
# every round (bench_rounds); each ratio is the median of the rounds'
# ratios. Goals at 10,000 profiles: <= 2x dd conv=fsync, <= 3x cp; cost
# linear in the size.
# Needs hyperfine (installed from apt when missing) and python3. Prints
# hyperfine's tables and one summary line per size ("upsert N profiles:
# ..."; bench/all.sh collects them).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_need_hyperfine
BIN="$(bench_release_bin aws-cli-oidc)"
runs="${RUNS:-30}"
rounds="${ROUNDS:-5}"
if ! ((rounds >= 1 && runs / rounds >= 2)); then
  echo "awsfiles_upsert.sh: RUNS ($runs) must be at least twice ROUNDS ($rounds)" >&2
  exit 2
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/aws-cli-oidc-upsert.XXXXXX")"
trap 'rm -rf "$work"' EXIT
lines=()
for n in ${SIZES:-100 1000 10000 100000}; do
  dir="$work/$n"
  mkdir -p "$dir/cfg"
  cat >"$dir/cfg/config.yaml" <<EOF
oidc:
  oidc_provider_metadata_url: https://idp.example.com/.well-known/openid-configuration
  client_id: aws-cli
  aws_federation_type: oidc
  default_iam_role_arn: $ROLE
EOF
  f="$dir/config"
  # About 125 bytes a profile, as Granted or aws-sso-cli generate them.
  awk -v n="$n" 'BEGIN {
    printf "# bench file with %d profiles\n", n
    for (i = 1; i <= n; i++)
      printf "[profile p%d]\nregion = eu-west-1 ; comment\nsso_account_id = %012d\nsso_role_name = Developer%d\n\n", i, i, i
  }' >"$f.base"
  cp "$f.base" "$f"
  printf '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example\n' >"$dir/credentials"
  chmod 600 "$f" "$f.base" "$dir/credentials"
  mid=$((n / 2))
  (
    export AWS_CONFIG_FILE="$f" AWS_SHARED_CREDENTIALS_FILE="$dir/credentials"
    export AWS_CLI_OIDC_CONFIG="$dir/cfg" HOME="$dir"
    # One run outside hyperfine, to check that it writes what it should.
    "$BIN" install-profile --profile "p$mid" -p oidc 2>"$dir/check.err" || {
      cat "$dir/check.err" >&2
      exit 1
    }
    grep -A4 "^\[profile p$mid\]" "$f" | grep -q '^credential_process = .* get-cred ' || {
      echo "install-profile did not write [profile p$mid] in $f" >&2
      exit 1
    }
    bench_rounds "$work/r-$n" "$runs" "$rounds" --warmup 3 --prepare "cp $f.base $f" -- \
      "install-profile" "$BIN install-profile --profile p$mid -p oidc" \
      "cp" "cp $f $f.copy" \
      "dd conv=fsync" "dd if=$f of=$f.dd bs=1M conv=fsync status=none"
  )
  read -r rcp lcp hcp up cp rounds_done < <(bench_round_ratio "$work/r-$n" install-profile cp)
  read -r rdd ldd hdd _ dd _ < <(bench_round_ratio "$work/r-$n" install-profile "dd conv=fsync")
  size="$(stat -c %s "$f.base")"
  lines+=("$(printf 'upsert %6d profiles (%5.2f MB): %7.2f ms, %5.2f ns/byte; cp %6.2f ms, ratio %5.2fx (%s to %s); dd conv=fsync %6.2f ms, ratio %5.2fx (%s to %s); %s rounds' \
    "$n" "$(awk -v s="$size" 'BEGIN { print s / 1e6 }')" "$up" "$(awk -v s="$size" -v t="$up" 'BEGIN { print t * 1e6 / s }')" \
    "$cp" "$rcp" "$lcp" "$hcp" "$dd" "$rdd" "$ldd" "$hdd" "$rounds_done")")
done
echo
echo "== install-profile into a config file of N profiles (medians; each ratio the median of the rounds' ratios, with their range; goals at 10,000: <= 2x dd conv=fsync, <= 3x cp)"
printf '%s\n' "${lines[@]}"
