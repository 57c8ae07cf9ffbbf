#!/usr/bin/env bash
# Runs the named test tiers (unit, integration, e2e), each a Mocha run over test/<tier>/, and
# ends with one line totalling them: "tests: N passed, N failed". A tier that runs no test, or
# a tier that fails, makes the whole run fail.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for tier in "$@"; do
  echo "== tier: $tier"
  shopt -s globstar nullglob
  files=(test/"$tier"/**/*.test.ts)
  if [ ${#files[@]} -eq 0 ]; then
    echo "tier $tier: no test files under test/$tier" >&2
    status=1
    continue
  fi
  extra=()
  [ -f "test/$tier/setup.ts" ] && extra=(--require "test/$tier/setup.ts")
  TALLY_FILE="$out/$tier.json" npx mocha --reporter ./test/support/tally-reporter.cjs "${extra[@]}" "${files[@]}" 2>&1 |
    tee "$out/$tier.log"
  rc=${PIPESTATUS[0]}
  [ $rc -ne 0 ] && status=1
  if [ ! -s "$out/$tier.json" ]; then
    echo "tier $tier: mocha exited $rc without a result" >&2
    status=1
  fi
done
# Secrets never leave the process: nothing any tier printed may contain the test key material
# (the first body line of every private key fixture) or the test access tokens.
leaks=0
while IFS= read -r key; do
  marker=$(sed -n 2p "$key")
  [ -n "$marker" ] || continue
  for tier in "$@"; do
    if [ -f "$out/$tier.log" ] && grep -qF -- "$marker" "$out/$tier.log"; then
      echo "tier $tier printed private key material of $key" >&2
      leaks=1
    fi
  done
done < <(find test -name '*.key' -type f | sort)
for token in e2e-access-token testenv-access-token; do
  for tier in "$@"; do
    if [ -f "$out/$tier.log" ] && grep -qF -- "$token" "$out/$tier.log"; then
      echo "tier $tier printed the test access token $token" >&2
      leaks=1
    fi
  done
done
[ $leaks -eq 0 ] && echo "secrets: no test key material or token in any tier's output" || status=1

OUT="$out" node -e '
const fs = require("node:fs"); const path = require("node:path");
let p = 0, f = 0, s = 0, empty = [];
for (const t of process.argv.slice(1)) {
  const file = path.join(process.env.OUT, t + ".json");
  if (!fs.existsSync(file)) { empty.push(t); continue; }
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  p += r.passed; f += r.failed; s += r.skipped;
  if (r.tests === 0) empty.push(t);
  console.log(`tier ${t}: ${r.passed} passed, ${r.failed} failed` + (r.skipped ? `, ${r.skipped} skipped` : ""));
}
if (empty.length) { console.log("tiers that ran no test: " + empty.join(", ")); process.exitCode = 1; }
console.log(`tests: ${p} passed, ${f} failed` + (s ? `, ${s} skipped` : ""));
' "$@" || status=1
exit $status
