#!/usr/bin/env bash
# Builds the kube-testenv binary (real kube-apiserver + embedded etcd, kube-controller-manager,
# kubectl, PKI writer) into a cache outside the clone, keyed by the hash of its inputs, so a
# fresh clone on the same machine reuses it. Prints the binary's path on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")/kube-testenv" && pwd)
cache=${KUBEMCI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubemci}
k8s_version=$(sed -n 's/^\s*k8s.io\/kubernetes \(v[0-9.]*\)$/\1/p' "$here/go.mod" | head -n1)
minor=$(echo "$k8s_version" | cut -d. -f2)
hash=$( (cd "$here" && cat go.mod go.sum ./*.go; go version) | sha256sum | cut -c1-16)
out="$cache/kube-testenv-$hash"
if [ "${1:-}" = "--path-only" ]; then echo "$out/kube-testenv"; exit 0; fi
if [ ! -x "$out/kube-testenv" ]; then
  echo "kube-testenv: building $k8s_version (cold build takes about 10 minutes on 2 cores)" >&2
  mkdir -p "$out.tmp"
  start=$(date +%s)
  (cd "$here" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly go build -trimpath \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$k8s_version \
      -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor \
      -X k8s.io/component-base/version.gitTreeState=clean" \
    -o "$out.tmp/kube-testenv" .)
  ln -sf kube-testenv "$out.tmp/kubectl"
  rm -rf "$out" && mv "$out.tmp" "$out"
  echo "kube-testenv: built in $(( $(date +%s) - start )) s" >&2
fi
echo "$out/kube-testenv"
