#!/usr/bin/env bash
# Installs the end-to-end test peers: oidc-provider (npm), moto[server] + awscli 1.x (PyPI venv),
# and tinyproxy (apt, only when missing) for the proxy tests in tests/e2e/network.rs.
# Idempotent; safe to rerun. Fails loudly when a tool or package is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

die() { echo "install.sh: error: $*" >&2; exit 1; }

command -v node >/dev/null || die "node not found on PATH (need Node >= 20; e.g. apt-get install nodejs npm)"
command -v npm >/dev/null || die "npm not found on PATH (e.g. apt-get install npm)"
command -v curl >/dev/null || die "curl not found on PATH (browser.sh needs it; apt-get install curl)"
PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || die "$PYTHON not found on PATH (need Python >= 3.9 with venv)"

echo "install.sh: node $(node --version), npm $(npm --version), $("$PYTHON" --version 2>&1)"

# npm: exact versions from package-lock.json when present. A symlinked node_modules
# (a worktree sharing another checkout's install) is left alone: npm ci would empty
# the link's target, breaking every checkout that shares it.
if [ -L node_modules ]; then
  echo "install.sh: node_modules is a symlink to $(readlink node_modules); not reinstalling it"
elif [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed in $here"
else
  npm install --no-audit --no-fund --loglevel=error || die "npm install failed in $here"
fi
node -e 'import("oidc-provider").then(() => {}, (e) => { console.error(e); process.exit(1); })' \
  || die "oidc-provider does not load from $here/node_modules"

# Python venv with moto's server and the AWS CLI v1.
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv || die "could not create $here/.venv (is python3-venv installed?)"
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
  'moto[server]>=5.2,<5.3' 'awscli>=1.30,<2' || die "pip install of moto[server] and awscli failed"
.venv/bin/python -c 'import moto.server, flask, botocore' || die "moto server modules do not import"
[ -x .venv/bin/aws ] || die "$here/.venv/bin/aws missing after install"

# Debian packages the tests drive: tinyproxy (a real HTTP proxy for
# tests/e2e/network.rs; the tests start their own instance on 127.0.0.1), tmux (a
# pseudo-terminal for the setup wizard tests), openssl (a TLS server for the
# HTTP client's CA-bundle and mTLS tests), fish, zsh and bash-completion (the
# completion scripts of tests/e2e/completion.rs run in the real shells).
apt_missing=()
for cmd_pkg in tinyproxy:tinyproxy tmux:tmux openssl:openssl fish:fish zsh:zsh; do
  command -v "${cmd_pkg%%:*}" >/dev/null || apt_missing+=("${cmd_pkg#*:}")
done
[ -f /usr/share/bash-completion/bash_completion ] || apt_missing+=(bash-completion)
if [ ${#apt_missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null \
    || die "${apt_missing[*]} not found on PATH and no apt-get here; install them with your package manager"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "${apt_missing[*]} missing; run: apt-get install ${apt_missing[*]} (as root)"
    sudo=(sudo)
  fi
  # Wait for another apt or dpkg (unattended-upgrades, a second test run)
  # instead of failing on its lock.
  apt=("${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600)
  echo "install.sh: installing ${apt_missing[*]} with apt-get"
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "${apt_missing[@]}" \
    || { "${apt[@]}" update && DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "${apt_missing[@]}"; } \
    || die "apt-get install ${apt_missing[*]} failed"
  for cmd in tinyproxy tmux openssl fish zsh; do
    command -v "$cmd" >/dev/null || die "$cmd still not on PATH after apt-get install"
  done
  echo "install.sh: note: on systemd hosts the tinyproxy package also enables a service on" \
    "127.0.0.1:8888; the tests do not need it (systemctl disable --now tinyproxy)"
fi

echo "install.sh: installed:"
echo "  oidc-provider $(node -p 'require("./node_modules/oidc-provider/package.json").version')"
echo "  moto $(.venv/bin/python -c 'import moto; print(moto.__version__)')"
echo "  $(.venv/bin/aws --version 2>&1)"
echo "  $(tinyproxy -v 2>&1 | head -n 1)"
echo "  $(tmux -V)"
echo "  $(openssl version)"
echo "install.sh: ok"
