#!/usr/bin/env bash
# Ensures the project's Node.js (the version in .node-version, a Node 24 LTS release) is
# installed in the cache outside the clone, taken from the npm registry's official
# node-linux-<arch> binary package, and prints its bin directory. The machine's own Node is
# only used to run npm for the download.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(tr -d ' \n' < "$root/.node-version")
cache=${KUBEMCI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubemci}
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) echo "node.sh: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
dir="$cache/node-v$version-linux-$arch"
if [ ! -x "$dir/bin/node" ]; then
  echo "node.sh: installing Node.js $version from the npm registry into $dir" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$version" >/dev/null)
  mkdir -p "$dir.tmp"
  tar -xzf "$tmp"/node-linux-"$arch"-"$version".tgz -C "$dir.tmp" --strip-components=1 package/bin package/LICENSE
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
fi
got=$("$dir/bin/node" --version)
[ "$got" = "v$version" ] || { echo "node.sh: $dir/bin/node is $got, want v$version" >&2; exit 1; }
echo "$dir/bin"
