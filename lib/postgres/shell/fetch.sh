#!/usr/bin/env bash
# azure-cli image, runs alongside the restore or drill: finds a named dump or the latest under
# `$DUMP_PREFIX`, records its size and checksum (and those of its globals) for the other container,
# downloads its globals when asked to, and either streams the dump into the pipe that container
# reads, hashing and counting it on the way, or, for a parallel restore (FETCH_TO_FILE=true),
# downloads it to the scratch volume. All of it with curl through one read-and-list SAS of the
# container: signed here with the account key, or, with workload identity, a user delegation SAS
# that az makes (its only az call).
# shellcheck source=functions/common.sh
source "${BASH_SOURCE[0]%/*}/functions/common.sh"
# shellcheck source=functions/azure.sh
source "${BASH_SOURCE[0]%/*}/functions/azure.sh"
# shellcheck source=functions/blocks.sh
source "${BASH_SOURCE[0]%/*}/functions/blocks.sh"
# shellcheck source=functions/sas.sh
source "${BASH_SOURCE[0]%/*}/functions/sas.sh"
# shellcheck source=functions/blob-head.sh
source "${BASH_SOURCE[0]%/*}/functions/blob-head.sh"
# shellcheck source=functions/blob-read.sh
source "${BASH_SOURCE[0]%/*}/functions/blob-read.sh"
# shellcheck source=functions/hashed-copy.sh
source "${BASH_SOURCE[0]%/*}/functions/hashed-copy.sh"
STEP=fetch
begin_script

: "${SCRATCH_DIR:?}" "${DUMP_PREFIX:?}" "${RESTORE_WAIT_SECONDS:?}" "${AZURE_STORAGE_ACCOUNT:?}" "${BLOB_CONTAINER:?}" "${AUTH_MODE:?}" "${CONTAINER_IMAGE:?}"
umask 077
to_file=${FETCH_TO_FILE:-false}
# The other container waits for "fetched.ready", then "sent" (the stream's count and checksum) or,
# with a file, "downloaded", or for "fetch-failed": any exit before the last marker it waits for,
# for whatever reason, leaves "fetch-failed".
done_marker=sent
[[ $to_file != true ]] || done_marker=downloaded
trap '[[ -f "$SCRATCH_DIR/$done_marker" ]] || { rm -f -- "$SCRATCH_DIR/dump"; printf "failed\n" > "$SCRATCH_DIR/fetch-failed"; }' EXIT
# bash as PID 1 ignores SIGTERM: on the Job's deadline, exit (through the trap above) instead.
trap 'exit 143' TERM
programs=(curl)
# With the account key the SAS is signed here, and a stream is hashed on its way, by python3 (az's
# own interpreter, in its image).
[[ $AUTH_MODE != storageAccountKey && $to_file == true ]] || programs+=(python3)
require_programs "${programs[@]}"
X_MS_VERSION=2021-08-06
endpoint=$(blob_endpoint)
# Azure checks a SAS when a request starts: the last one starts once the other container is ready.
TZ=UTC printf -v expiry '%(%Y-%m-%dT%H:%MZ)T' $((EPOCHSECONDS + RESTORE_WAIT_SECONDS + 600))
# Read and list only, for this container only; it stays in this shell (curl reads it from fd 3).
sas=$(container_read_sas "$BLOB_CONTAINER" "$expiry" "$endpoint") || fail "no SAS for container $BLOB_CONTAINER of $AZURE_STORAGE_ACCOUNT"
container_url="$endpoint/$(url_path "$BLOB_CONTAINER")?$sas"
blob_url() { printf '%s\n' "$endpoint/$(url_path "$BLOB_CONTAINER")/$(url_path "$1")?$sas"; }

if [[ -n "${BACKUP_BLOB:-}" ]]; then
  blob=$BACKUP_BLOB
else
  # Names carry a UTC timestamp, so the last name in order is the latest dump.
  blob=$(latest_dump_name "$container_url" "$DUMP_PREFIX") \
    || fail "listing the dumps under $DUMP_PREFIX in container $BLOB_CONTAINER of $AZURE_STORAGE_ACCOUNT failed (see above)"
  [[ -n $blob ]] || fail "no dump under $DUMP_PREFIX in container $BLOB_CONTAINER of $AZURE_STORAGE_ACCOUNT"
fi
status=0
found=$(blob_fields "$(blob_url "$blob")") || status=$?
((status != 2)) || fail "no blob $blob in container $BLOB_CONTAINER of $AZURE_STORAGE_ACCOUNT"
((status == 0)) || fail "reading the properties of $blob failed (see above)"
mapfile -t fields <<< "$found"
fields=("$blob" "${fields[@]}")
[[ ${fields[2]:-} =~ ^[0-9a-f]{64}$ ]] \
  || fail "blob $blob records no sha256: it was not written by BackupCronJob, and an unverifiable dump is not restored"

# The globals (roles, tablespaces) of the dump's server: <stamp>.globals.sql beside <stamp>.dump,
# checked by the other container against the size and SHA-256 the dump's metadata records. Dumps
# written before globals were backed up record none.
globals=absent
if [[ -n ${fields[4]:-} ]]; then
  [[ ${fields[4]} =~ ^[0-9a-f]{64}$ && ${fields[5]:-} =~ ^[0-9]+$ ]] \
    || fail "blob $blob records globals_sha256 '${fields[4]}' and globals_size '${fields[5]:-}', which are not a SHA-256 and a size"
  globals=present
fi
if [[ ${FETCH_GLOBALS:-false} == true && $globals == present ]]; then
  log "downloading ${blob%.dump}.globals.sql (${fields[5]} bytes)"
  download_blob "$(blob_url "${blob%.dump}.globals.sql")" > "$SCRATCH_DIR/globals.sql" \
    || fail "downloading ${blob%.dump}.globals.sql failed: $blob records globals, so they must be there"
fi

exec {tick}<> <(:)
if [[ $to_file != true ]]; then
  # The restore container creates the pipe when it starts, and reads it once it has the checksum.
  until [[ -p "$SCRATCH_DIR/dump.fifo" ]]; do
    [[ ! -f "$SCRATCH_DIR/restore-exited" ]] || fail "the restore container stopped before the download (see its log)"
    ((SECONDS < RESTORE_WAIT_SECONDS)) || fail "the restore container created no pipe within $RESTORE_WAIT_SECONDS s"
    read -r -t 0.1 -u "$tick" _ || true
  done
fi
printf '%s\n' "blob=$blob" "size=${fields[1]}" "sha256=${fields[2]}" "pg_dump_version=${fields[3]:-}" \
  "globals=$globals" "globals_sha256=${fields[4]:-}" "globals_size=${fields[5]:-}" > "$SCRATCH_DIR/fetched"
printf 'ok\n' > "$SCRATCH_DIR/fetched.ready"

if [[ $to_file == true ]]; then
  # pg_restore --jobs needs a file it can seek in: the whole dump goes to the scratch volume first,
  # and the restore container checks its size and SHA-256 before pg_restore reads any of it.
  log "downloading $blob (${fields[1]} bytes) to the scratch volume"
  download_blob "$(blob_url "$blob")" > "$SCRATCH_DIR/dump" &
else
  log "streaming $blob (${fields[1]} bytes) to the restore"
  # curl writes the blob into one process that hashes and counts it on its way into the pipe, which
  # pg_restore alone reads on the other side; its count and checksum become "sent" once the download
  # and the copy have both succeeded. Opening the pipe waits for the reader; a reader that is gone
  # ends the copy (it fails writing) and so the download, and one that never came is noticed
  # through "restore-exited", after a grace period for a download that is finishing.
  rm -f -- "$SCRATCH_DIR/stream.sum" "$SCRATCH_DIR/sent"
  download_blob "$(blob_url "$blob")" | hashed_copy "$SCRATCH_DIR/stream.sum" > "$SCRATCH_DIR/dump.fifo" &
fi
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
if [[ $to_file == true ]]; then
  printf 'ok\n' > "$SCRATCH_DIR/downloaded"
  log "downloaded $blob"
else
  mv -- "$SCRATCH_DIR/stream.sum" "$SCRATCH_DIR/sent"
  log "sent $blob"
fi
