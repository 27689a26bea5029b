#!/usr/bin/env bash
# Fails when the committed dist/ is not what `npm run bundle` builds from the source: the runner
# executes dist/index.js straight from the repository, so a stale dist/ ships old code.
#
# Works on the git repository of the current directory. It rebuilds dist/ in place and asks git
# what changed: ncc names chunks by path, so a build elsewhere cannot be compared byte for byte.
# Used by .ci/run, the check-dist workflow and scripts/release.ts.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

npm run --silent bundle
stale="$(git status --porcelain --untracked-files=all -- dist)"
if [ -n "$stale" ]; then
  echo "$stale"
  git diff --stat -- dist
  message='dist/ is stale: it differs from what `npm run bundle` builds from the source. Run `npm run bundle` and commit dist/.'
  if [ "${GITHUB_ACTIONS:-}" = true ]; then echo "::error::$message"; fi
  echo "ERROR: $message" >&2
  exit 1
fi
echo 'dist/ is up to date.'
