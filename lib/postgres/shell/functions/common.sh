# Functions every script uses: strict mode, logging, failure. Function definitions only: the build
# copies into each script just the functions it calls (scripts/assemble-shell.ts).

# Strict mode, and an ERR trap that names the failing command: any failure fails the Job.
# `set -E` makes the trap fire inside functions too. STEP names the container in every log line.
begin_script() {
  set -Eeuo pipefail
  trap 'log "FAILED: command exited with status $? at line $LINENO: $BASH_COMMAND"' ERR
}

log() { TZ=UTC printf '%(%Y-%m-%dT%H:%M:%SZ)T [%s] %s\n' -1 "$STEP" "$*" >&2; }

fail() {
  log "FAILED: $*"
  exit 1
}

# SHA-256 of a stream, as hex: openssl uses the CPU's SHA instructions (three times sha256sum's speed).
sha256_hex() {
  local out
  out=$(openssl dgst -sha256 -r) || return 1
  printf '%s\n' "${out%% *}"
}
