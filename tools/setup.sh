#!/usr/bin/env bash
# Installs what the project needs, and only what is missing: npm dependencies (which bring the
# Node 24 binary the scripts run on), nginx, k6, schemathesis, the Django reference and chromium,
# and for the containers a running Docker engine and the local base images. Safe to run again;
# `--quiet` prints only what it does, `--host-only` leaves Docker out (the host stack and the
# benches do not need it), `--for-loadtest` installs only what `npm run loadtest` runs: the npm
# dependencies, nginx and k6.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup: $*"; }
fail() { echo "setup: $*" >&2; exit 1; }

quiet=false
host_only=false
loadtest_only=false
for option in "$@"; do
  case "$option" in
    --quiet) quiet=true ;;
    --host-only) host_only=true ;;
    --for-loadtest) loadtest_only=true host_only=true ;;
    *) fail "unknown option $option (use --quiet, --host-only, --for-loadtest)" ;;
  esac
done

# Debian packages, when this machine can install them (root with apt); otherwise what to install.
apt_updated=false
apt_install() {
  local package=$1 why=$2
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    fail "$package is missing ($why): install it (Debian/Ubuntu: sudo apt-get install $package; macOS: brew install $package)"
  fi
  if ! $apt_updated; then
    apt-get update -qq
    apt_updated=true
  fi
  say "installing $package (Debian package): $why"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
}

command -v npm >/dev/null || fail "npm is missing: install Node.js with npm (any version from 18 on; the project brings its own Node 24)"

# npm ci when node_modules is missing or older than the lock file.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
# The Pulumi program has its own dependencies (infra/package.json), as `pulumi new` would lay out.
if ! $loadtest_only && [[ ! -f infra/node_modules/.package-lock.json || infra/package-lock.json -nt infra/node_modules/.package-lock.json ]]; then
  say "installing the Pulumi program's npm dependencies (npm ci in infra/)"
  (cd infra && npm ci --no-audit --no-fund)
fi
node24=node_modules/.bin/node
[[ -x "$node24" ]] || fail "$node24 is missing: run npm ci"
version=$("$node24" --version)
[[ "$version" == v24.* ]] || fail "expected Node 24 from the node devDependency, found $version"

# nginx runs with the project's own config under var/; the system's nginx config is never used.
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || apt_install nginx "the production stack's web server"
command -v openssl >/dev/null || apt_install openssl "the stack's local TLS certificate"
if ! $loadtest_only; then
  # Chromium renders the load-test report in the tests, as a person would see it.
  command -v chromium >/dev/null || apt_install chromium "the report tests render report.html in it"
  # wrk: the stack bench's load generator, light enough to leave the cores to the servers.
  command -v wrk >/dev/null || apt_install wrk "the stack bench's load generator"
  # tmux: the ops view's test draws it in a real terminal.
  command -v tmux >/dev/null || apt_install tmux "the ops view is tested in a real terminal"
  # PostgreSQL's server programs: the store tests start throwaway servers of their own with them
  # (initdb in a temporary folder); the system's cluster is never used.
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null ||
    apt_install postgresql "the PostgreSQL store is tested against real throwaway servers"
fi

# k6, the pinned version, built from source into .tools/bin: it is in neither Debian nor npm.
# Elsewhere: https://grafana.com/docs/k6/latest/set-up/install-k6/
k6_version=$(cat loadtest/k6-version)
if ! .tools/bin/k6 version 2>/dev/null | grep -q "^k6 $k6_version "; then
  command -v go >/dev/null || fail "k6 $k6_version is missing and Go is not here to build it: install Go (https://go.dev/dl/), or put k6 $k6_version at .tools/bin/k6"
  say "building k6 $k6_version with go install (a minute or two, once)"
  GOBIN="$PWD/.tools/bin" go install "go.k6.io/k6@$k6_version"
fi

# What the tests and the fuzzer need beyond the host stack: not the load test.
if ! $loadtest_only; then
  # schemathesis fuzzes the API from its OpenAPI document; it comes from PyPI into a virtualenv of
  # the project's own (.tools/venv), pinned in testing/fuzz-requirements.txt.
  fuzzer=$(cat testing/fuzz-requirements.txt)
  if ! .tools/venv/bin/st --version 2>/dev/null | grep -q "${fuzzer#*==}"; then
    command -v python3 >/dev/null || fail "$fuzzer is missing and Python 3 is not here to install it: install python3 with venv (Debian: apt-get install python3-venv)"
    say "installing $fuzzer into .tools/venv (pip, once)"
    python3 -m venv .tools/venv || fail "python3 -m venv failed: install the venv module (Debian: apt-get install python3-venv)"
    .tools/venv/bin/pip install --quiet --disable-pip-version-check -r testing/fuzz-requirements.txt
  fi

  # The real Django + DRF + simplejwt under gunicorn, the reference the wire format is tested
  # against: PyPI into .tools/django-venv, pinned in testing/django-reference/requirements.txt (the
  # copy kept in the venv says which pins it holds).
  reference_pins=testing/django-reference/requirements.txt
  if ! cmp -s "$reference_pins" .tools/django-venv/requirements.txt; then
    command -v python3 >/dev/null || fail "the Django reference needs Python 3 with venv (Debian: apt-get install python3-venv)"
    say "installing Django, DRF, simplejwt and gunicorn into .tools/django-venv (pip, once)"
    rm -rf .tools/django-venv
    python3 -m venv .tools/django-venv || fail "python3 -m venv failed: install the venv module (Debian: apt-get install python3-venv)"
    .tools/django-venv/bin/pip install --quiet --disable-pip-version-check -r "$reference_pins"
    cp "$reference_pins" .tools/django-venv/requirements.txt
  fi
fi

# A Docker engine for the container tests; without a registry, base images are built locally.
docker_version=""
if ! $host_only; then
  if ! docker info >/dev/null 2>&1; then
    command -v dockerd >/dev/null || apt_install docker.io "the Docker engine the container tests run on"
    [[ $(id -u) -eq 0 ]] || fail "no Docker engine answers 'docker info': start Docker, or give your user access to it (docker group)"
    mkdir -p var/log
    say "starting the Docker engine in the background (dockerd; its log: var/log/dockerd.log)"
    setsid nohup dockerd >var/log/dockerd.log 2>&1 </dev/null &
    for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || fail "dockerd did not answer within 60 s; its log says: $(tail -5 var/log/dockerd.log)"
  fi
  # The swarm lab's registry, which serves the images to every node of the multi-node tests.
  command -v docker-registry >/dev/null || apt_install docker-registry "the swarm lab's image registry"
  # Only root can debootstrap; elsewhere base-images says what is missing, if anything is.
  command -v debootstrap >/dev/null || [[ $(id -u) -ne 0 ]] || apt_install debootstrap "it builds the local Debian base image"
  "$node24" tools/base-images/build-base-images.ts --quiet
  docker_version=", docker $(docker info --format '{{.ServerVersion}}')"
fi

$quiet || say "ready: node $version, $(.tools/bin/k6 version | cut -d' ' -f1-2), $("$(command -v nginx || echo /usr/sbin/nginx)" -v 2>&1 | cut -d' ' -f3)$docker_version"
