#!/usr/bin/env bash
# Compiles the app (app/src and the settings part it reads its configuration with) to dist/,
# mirroring the tree, when dist/ is missing or older than any source file.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f dist/app/src/start.js ]] || [[ -n "$(find app/src settings tsconfig.json tsconfig.build.json -newer dist/app/src/start.js -print -quit)" ]]; then
  echo "build: compiling app/src and settings/ to dist/"
  npm run --silent build
fi
