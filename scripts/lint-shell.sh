#!/usr/bin/env bash
# Lints every shell script of the repository: shellcheck (its settings in .shellcheckrc) and shfmt
# (its settings in .editorconfig). `npm run lint` runs it; `-- --fix` rewrites the formatting instead.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in shellcheck shfmt; do
  command -v "$tool" > /dev/null || {
    echo "$tool is not installed: run bash scripts/install-system-deps.sh (npm test does)" >&2
    exit 1
  }
done
mapfile -t files < <(git ls-files '*.sh' .ci/run)
if [[ ${1:-} == --fix ]]; then
  shfmt -w "${files[@]}"
  exit 0
fi
shellcheck "${files[@]}"
shfmt -d "${files[@]}"
echo "shellcheck and shfmt: ${#files[@]} shell scripts clean"
