#!/usr/bin/env bash
# azure-cli image, runs alongside the dump: signs in and checks the container while pg_dump runs,
# waits (at most `$DUMP_WAIT_SECONDS`) for `ready`, then uploads the verified dump as a new block
# blob with its metadata; never overwrites. A `failed` marker or no `ready` uploads nothing.
# shellcheck source=functions/common.sh
source "${BASH_SOURCE[0]%/*}/functions/common.sh"
# shellcheck source=functions/azure.sh
source "${BASH_SOURCE[0]%/*}/functions/azure.sh"
STEP=upload
begin_script

: "${SCRATCH_DIR:?}" "${DUMP_WAIT_SECONDS:?}"
# Runs alongside the dump container: signs in and proves the container reachable while pg_dump
# runs, then waits for the dump's "ready" (or "failed") marker.
prime_az
storage_login
exists=$(az storage container exists "${storage[@]}" --name "$BLOB_CONTAINER" --query exists --output tsv --only-show-errors)
[[ $exists == true ]] || fail "container $BLOB_CONTAINER does not exist in $AZURE_STORAGE_ACCOUNT"
log "storage reachable; waiting for the verified dump"
exec {tick}<> <(:)
until [[ -f "$SCRATCH_DIR/ready" || -f "$SCRATCH_DIR/failed" ]]; do
  ((SECONDS < DUMP_WAIT_SECONDS)) || fail "no verified dump after $DUMP_WAIT_SECONDS s: the dump step did not finish"
  read -r -t 0.1 -u "$tick" _ || true
done
[[ ! -f "$SCRATCH_DIR/failed" && -f "$SCRATCH_DIR/ready" && -f "$SCRATCH_DIR/backup.dump" ]] \
  || fail "the dump step failed (see its log): nothing was uploaded"
# Sign in again: a workload identity token read before a long dump may have expired (az keeps the
# token it was given and never rereads the file, which the kubelet has refreshed meanwhile).
if [[ $AUTH_MODE == workloadIdentity ]]; then storage_login; fi
blob=$(< "$SCRATCH_DIR/blob-name")
declare -A meta=()
metadata=()
while IFS= read -r line; do
  [[ $line =~ ^[a-z_0-9]+=[^[:space:]]+$ ]] || fail "bad metadata line '$line'"
  metadata+=("$line")
  meta[${line%%=*}]=${line#*=}
done < "$SCRATCH_DIR/metadata"
[[ ${meta[sha256]:-} =~ ^[0-9a-f]{64}$ && ${meta[size]:-} =~ ^[1-9][0-9]*$ ]] || fail "the dump step recorded no checksum or size"

log "uploading $blob (${meta[size]} bytes) to container $BLOB_CONTAINER of $AZURE_STORAGE_ACCOUNT"
# --if-none-match '*': the upload fails instead of replacing a blob that already has this name.
az storage blob upload "${storage[@]}" --container-name "$BLOB_CONTAINER" --name "$blob" \
  --file "$SCRATCH_DIR/backup.dump" --type block --metadata "${metadata[@]}" \
  --if-none-match '*' --max-connections 8 --no-progress --only-show-errors --output none
log "uploaded $blob: ${meta[size]} bytes, sha256 ${meta[sha256]}"
