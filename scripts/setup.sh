#!/usr/bin/env bash
# Installs what the project needs, and only what is missing: npm dependencies (which bring the
# Node 24 binary the scripts run on) and nginx. Safe to run again; `--quiet` prints only what it does.
set -euo pipefail
cd "$(dirname "$0")/.."

quiet=false
[[ "${1:-}" == "--quiet" ]] && quiet=true
say() { echo "setup: $*"; }
fail() { echo "setup: $*" >&2; exit 1; }

command -v npm >/dev/null || fail "npm is missing: install Node.js with npm (any version from 18 on; the project brings its own Node 24)"

# npm ci when node_modules is missing or older than the lock file.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

# nginx from Debian's package; the stack runs it with its own config under var/, so the system's
# nginx config is never used or changed.
if ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing nginx (Debian package)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  else
    fail "nginx is missing: install it (Debian/Ubuntu: sudo apt-get install nginx; macOS: brew install nginx)"
  fi
fi
command -v openssl >/dev/null || fail "openssl is missing (Debian/Ubuntu: sudo apt-get install openssl)"

node24=node_modules/.bin/node
[[ -x "$node24" ]] || fail "$node24 is missing: run npm ci"
version=$("$node24" --version)
[[ "$version" == v24.* ]] || fail "expected Node 24 from the node devDependency, found $version"
$quiet || say "ready: node $version"
