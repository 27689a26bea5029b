#!/usr/bin/env bash
# Builds the action's bundle: tsc to a scratch lib/, ncc (minified) into the output folder, each
# lazily loaded chunk minified again by terser. OUT (default dist) lets a second bundle be built
# beside the committed one, for example to test work in progress without touching dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT="${OUT:-dist}"
LIB="$PWD/.lib-${OUT//\//-}"  # a fixed path: ncc names chunks by it
trap 'rm -rf "$LIB"' EXIT
rm -rf "$OUT" "$LIB"
tsc -p tsconfig.build.json --outDir "$LIB"
ncc build "$LIB/index.js" -o "$OUT" --minify --target es2022 -q
# ncc's own --license misses every package whose files sit under a nested {"type":"module"}
# package.json (@azure/*, @actions/core...): the notices come from the production tree instead.
node --experimental-transform-types --no-warnings --import ./sandbox/register-ts.ts \
  scripts/licenses.ts notices "$OUT/licenses.txt"
for f in "$OUT"/*.index.js; do
  [ -e "$f" ] || continue
  terser "$f" --module --compress --mangle -o "$f"
done
