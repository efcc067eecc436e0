#!/usr/bin/env bash
# Runs every test: format and lint checks, unit tests, and the end-to-end
# suite against the real peers (oidc-provider, moto, the aws CLI), which it
# installs first (idempotent; see tests/peers/install.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# The AWS SDK conformance suites live outside the repository; use them when
# they sit beside it (CI sets these variables itself).
shared="$(cd .. && pwd)/shared/conformance"
if [ -z "${AWS_PROFILE_PARSER_TESTS:-}" ] && [ -f "$shared/profile-parser-tests.json" ]; then
  export AWS_PROFILE_PARSER_TESTS="$shared/profile-parser-tests.json"
fi
if [ -z "${AWS_FILE_LOCATION_TESTS:-}" ] && [ -f "$shared/file-location-tests.json" ]; then
  export AWS_FILE_LOCATION_TESTS="$shared/file-location-tests.json"
fi

bash tests/peers/install.sh

echo "== cargo fmt --check"
cargo fmt --check
echo "== cargo clippy"
cargo clippy --all-targets --all-features --locked -- -D warnings
echo "== cargo test (unit and hermetic tests)"
cargo test --all-targets --locked
echo "== the fuzz target builds on stable (its inputs are replayed by tests/cli/fuzz_replay.rs)"
# Not --locked: its lock file follows the main crate's dependencies, which
# cargo updates here from the main lock file's versions where it can.
cargo check --manifest-path fuzz/Cargo.toml --target-dir target
echo "== end-to-end tests against the real peers"
cargo test --locked --features e2e --test e2e

echo "== keyring backend against a real Secret Service"
bash tests/keyring/run.sh
