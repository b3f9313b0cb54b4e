#!/usr/bin/env bash
# tests/iam/run.sh: the rendered deploy and boundary policies (the golden files tests/Core.Tests keeps equal to
# `render`'s output) checked by a real IAM policy engine, @cloud-copilot/iam-simulate, at the versions pinned in
# tests/iam/package-lock.json. It is AGPL-3.0 and used only here, at test time: .ci/run installs it into
# tests/iam/node_modules (git-ignored), nothing ships it.
# Prints one line per check and ends with "iam: N passed, N failed". Without the packages it fails (never skips):
# run `npm ci --prefix tests/iam` first, as .ci/run does.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ ! -d "$here/node_modules/@cloud-copilot/iam-simulate" ]; then
  echo "tests/iam: @cloud-copilot/iam-simulate is not installed; run: npm ci --prefix tests/iam (.ci/run does)" >&2
  echo "iam: 0 passed, 1 failed"
  exit 1
fi
if ! command -v node >/dev/null; then
  echo "tests/iam: node not found (.ci/run installs nodejs)" >&2
  echo "iam: 0 passed, 1 failed"
  exit 1
fi
exec node "$here/simulate.mjs"
