#!/usr/bin/env bash
# azure-cli image, runs alongside the restore or drill: finds a named dump or the latest under
# `$DUMP_PREFIX`, records its size and checksum for the other container, and streams it into the
# pipe that container reads. Nothing is stored on disk.
# shellcheck source=functions/common.sh
source "${BASH_SOURCE[0]%/*}/functions/common.sh"
# shellcheck source=functions/azure.sh
source "${BASH_SOURCE[0]%/*}/functions/azure.sh"
STEP=fetch
begin_script

: "${SCRATCH_DIR:?}" "${DUMP_PREFIX:?}" "${RESTORE_WAIT_SECONDS:?}"
umask 077
# The restore container waits for "fetched.ready" or "fetch-failed": any exit before the first,
# for whatever reason, leaves the second.
trap '[[ -f "$SCRATCH_DIR/fetched.ready" ]] || printf "failed\n" > "$SCRATCH_DIR/fetch-failed"' EXIT
# bash as PID 1 ignores SIGTERM: on the Job's deadline, exit (through the trap above) instead.
trap 'exit 143' TERM
prime_az
storage_login
if [[ -n "${BACKUP_BLOB:-}" ]]; then
  found=$(az storage blob show "${storage[@]}" --container-name "$BLOB_CONTAINER" --name "$BACKUP_BLOB" \
    --query '[name, properties.contentLength, metadata.sha256, metadata.pg_dump_version]' --output tsv --only-show-errors)
else
  # Names carry a UTC timestamp, so the last name in order is the latest dump.
  found=$(az storage blob list "${storage[@]}" --container-name "$BLOB_CONTAINER" --prefix "$DUMP_PREFIX" --include m --num-results '*' \
    --query "sort_by([?ends_with(name, '.dump')], &name)[-1].[name, properties.contentLength, metadata.sha256, metadata.pg_dump_version]" \
    --output tsv --only-show-errors)
fi
mapfile -t fields <<< "$found"
blob=${fields[0]:-}
[[ -n $blob && $blob != None ]] || fail "no dump under $DUMP_PREFIX in container $BLOB_CONTAINER of $AZURE_STORAGE_ACCOUNT"
[[ ${fields[2]:-} =~ ^[0-9a-f]{64}$ ]] \
  || fail "blob $blob records no sha256: it was not written by BackupCronJob, and an unverifiable dump is not restored"

# The restore container creates the pipe when it starts, and reads it once it has the checksum.
exec {tick}<> <(:)
until [[ -p "$SCRATCH_DIR/dump.fifo" ]]; do
  [[ ! -f "$SCRATCH_DIR/restore-exited" ]] || fail "the restore container stopped before the download (see its log)"
  ((SECONDS < RESTORE_WAIT_SECONDS)) || fail "the restore container created no pipe within $RESTORE_WAIT_SECONDS s"
  read -r -t 0.1 -u "$tick" _ || true
done
printf '%s\n' "blob=$blob" "size=${fields[1]}" "sha256=${fields[2]}" "pg_dump_version=${fields[3]:-}" > "$SCRATCH_DIR/fetched"
printf 'ok\n' > "$SCRATCH_DIR/fetched.ready"
log "streaming $blob (${fields[1]} bytes) to the restore"
# Without --file, az writes the blob to its standard output, which is the pipe. Opening it waits
# for the reader; a reader that is gone ends the download (az fails writing), and one that never
# came is noticed through "restore-exited", after a grace period for a download that is finishing.
az storage blob download "${storage[@]}" --container-name "$BLOB_CONTAINER" --name "$blob" \
  --no-progress --only-show-errors > "$SCRATCH_DIR/dump.fifo" &
downloader=$!
grace=0
while kill -0 "$downloader" 2> /dev/null; do
  if [[ -f "$SCRATCH_DIR/restore-exited" ]] && ((++grace > 50)); then
    kill "$downloader" 2> /dev/null || true
    wait "$downloader" || true
    fail "the restore container stopped before reading all of $blob (see its log)"
  fi
  read -r -t 0.1 -u "$tick" _ || true
done
if ! wait "$downloader"; then
  # A reader that stopped breaks the pipe: give its exit marker a moment before blaming the download.
  for ((i = 0; i < 50; i++)); do
    [[ ! -f "$SCRATCH_DIR/restore-exited" ]] || fail "the restore container stopped reading $blob (see its log)"
    read -r -t 0.1 -u "$tick" _ || true
  done
  fail "downloading $blob failed"
fi
log "sent $blob"
