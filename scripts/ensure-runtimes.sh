#!/usr/bin/env bash
# Installs whatever the runtime suite (test/runtimes.test.ts) needs and is missing, then checks
# that each binary runs. Every binary comes from a registry: deno, bun, workerd (via miniflare)
# and esbuild from npm (pinned in package.json devDependencies, their postinstall allowed in
# allowScripts), Chromium from Debian. Works unattended: as root, CI=true, no stdin.
# Exits non-zero naming what is missing: the suite must never pass without a runtime.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${WEIGHTINIT_CHROMIUM:-/usr/bin/chromium}"

say() { printf 'ensure-runtimes: %s\n' "$*" >&2; }

chromium_ok() { "$CHROMIUM" --version >/dev/null 2>&1; }

if ! chromium_ok; then
  say "Chromium missing at $CHROMIUM: installing Debian's chromium"
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
    say "not root and no sudo: install Debian's chromium (apt-get install chromium) and rerun"; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq </dev/null
  "${SUDO[@]}" apt-get install -y -qq chromium </dev/null >/dev/null
  chromium_ok || { say "Chromium still does not run at $CHROMIUM"; exit 1; }
fi

# npm binaries: the package must be installed and its postinstall must have run.
bin_ok() { [ -x "node_modules/.bin/$1" ] && "node_modules/.bin/$1" --version >/dev/null 2>&1 </dev/null; }

need_install=0
for d in deno bun miniflare workerd esbuild vite @edge-runtime/vm; do [ -d "node_modules/$d" ] || need_install=1; done
if [ "$need_install" -eq 1 ]; then
  say "installing devDependencies (npm install)"
  npm install --no-audit --no-fund </dev/null >&2
fi
missing=()
for b in deno bun workerd esbuild; do bin_ok "$b" || missing+=("$b"); done
if [ "${#missing[@]}" -gt 0 ]; then
  say "running the install scripts of: ${missing[*]}"
  # workerd's binary comes with miniflare's dependency of that name
  npm rebuild --foreground-scripts "${missing[@]}" </dev/null >&2 || true
  still=()
  for b in "${missing[@]}"; do bin_ok "$b" || still+=("$b"); done
  if [ "${#still[@]}" -gt 0 ]; then say "these runtimes do not run: ${still[*]}"; exit 1; fi
fi

say "chromium $("$CHROMIUM" --version 2>/dev/null | awk '{print $2}'), deno $(node_modules/.bin/deno --version | awk 'NR==1{print $2}'), bun $(node_modules/.bin/bun --version), workerd $(node_modules/.bin/workerd --version | awk '{print $2}'), esbuild $(node_modules/.bin/esbuild --version)"
