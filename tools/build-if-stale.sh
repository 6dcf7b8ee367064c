#!/usr/bin/env bash
# Compiles app/src to dist/ when dist/ is missing or older than any source file.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f dist/start.js ]] || [[ -n "$(find app/src tsconfig.json tsconfig.build.json -newer dist/start.js -print -quit)" ]]; then
  echo "build: compiling app/src to dist/"
  npm run --silent build
fi
