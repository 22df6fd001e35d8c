#!/usr/bin/env bash
# Installs what the backup end-to-end tests (test/backup/e2e) and `npm run bench:backup` run for
# real: PostgreSQL (server, client tools, pgbench), the Azure CLI and curl, and what `npm run lint`
# checks the shell scripts with (shellcheck, shfmt), from Debian's repositories.
# Azurite comes from npm (`npm ci`). Idempotent: installs only what is missing; safe to re-run.
set -euo pipefail

packages=(postgresql azure-cli curl shellcheck shfmt)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query --show --showformat='${Status}' "$package" 2> /dev/null | grep --quiet 'install ok installed'; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  sudo=()
  if (($(id -u) != 0)); then sudo=(sudo); fi
  echo "installing: ${missing[*]}"
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install --yes "${missing[@]}"
else
  echo "already installed: ${packages[*]}"
fi

# Prove the tools run, as the tests will use them.
shopt -s nullglob
initdb=(/usr/lib/postgresql/*/bin/initdb)
if ((${#initdb[@]} == 0)); then
  echo "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin" >&2
  exit 1
fi
"${initdb[-1]}" --version
az version --query '"azure-cli"' --output tsv | sed 's/^/azure-cli /'
