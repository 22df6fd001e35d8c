#!/usr/bin/env bash
# azure-cli image, runs alongside the dump: checks that the container is reachable, makes a SAS for
# the one new blob (signed locally with the account key, or by az with workload identity) and
# checks the container through it with a HEAD of the blob, then stages the dump's stream as blocks
# with curl while pg_dump runs, hashing and counting what it reads. It commits the blocks (never over an existing blob) only
# after the dump's `ready`, and only if the dump's size and SHA-256 equal its own; then checks the
# blob's length.
# Just before that commit it stores the dump's globals (`globals.sql`, checked against the hash and
# size the dump recorded) as the blob `<stamp>.globals.sql` beside it, so that every committed dump
# has its globals.
# A `failed` marker, no `ready` within `$DUMP_WAIT_SECONDS`, a mismatch or any error commits nothing.
# shellcheck source=functions/common.sh
source "${BASH_SOURCE[0]%/*}/functions/common.sh"
# shellcheck source=functions/azure.sh
source "${BASH_SOURCE[0]%/*}/functions/azure.sh"
# shellcheck source=functions/sas.sh
source "${BASH_SOURCE[0]%/*}/functions/sas.sh"
# shellcheck source=functions/blocks.sh
source "${BASH_SOURCE[0]%/*}/functions/blocks.sh"
# shellcheck source=functions/blob-head.sh
source "${BASH_SOURCE[0]%/*}/functions/blob-head.sh"
# shellcheck source=functions/block-list.sh
source "${BASH_SOURCE[0]%/*}/functions/block-list.sh"
# shellcheck source=functions/hashed-copy.sh
source "${BASH_SOURCE[0]%/*}/functions/hashed-copy.sh"
STEP=upload
begin_script

: "${SCRATCH_DIR:?}" "${DUMP_WAIT_SECONDS:?}" "${CONTAINER_IMAGE:?}"
# Any exit tells the dump container, which waits for this side to open the stream.
trap ': > "$SCRATCH_DIR/upload-exited"' EXIT
# python3 (the azure-cli image's own) hashes the stream and, with the account key, signs the SASes.
require_programs curl openssl head base64 cat wc python3
# The block size: 16 MiB unless a test sets another.
if [[ ! ${BLOCK_MIB:=16} =~ ^[1-9][0-9]{0,3}$ ]] || ((BLOCK_MIB > 4000)); then
  fail "BLOCK_MIB '$BLOCK_MIB' is not a block size from 1 to 4000 MiB"
fi
BLOCK_BYTES=$((BLOCK_MIB << 20))
# Azure's limit of committed blocks per blob.
MAX_BLOCKS=50000
X_MS_VERSION=2021-08-06
# az runs only with workload identity (az login, the user delegation SASes).
if [[ ${AUTH_MODE:-} == workloadIdentity ]]; then prime_az; fi
storage_login
endpoint=$(blob_endpoint)
container_url="$endpoint/$(url_path "$BLOB_CONTAINER")"
# Azurite in the tests is plain http; a SAS restricted to https would be refused there.
protocol=''
if [[ $endpoint == https://* ]]; then protocol=https; fi
if [[ $AUTH_MODE == storageAccountKey ]]; then
  # The container is checked now, before the dump names its blob, through a read-only SAS for a
  # name that is never written (signing costs no az call): a 404 BlobNotFound proves the endpoint,
  # the key and the container.
  probe=aks-stateful/upload-probe
  TZ=UTC printf -v probe_expiry '%(%Y-%m-%dT%H:%MZ)T' $((EPOCHSECONDS + 600))
  sas=$(blob_sas "$AZURE_STORAGE_ACCOUNT" "$BLOB_CONTAINER" "$probe" r "$probe_expiry" "$protocol") \
    || fail "signing a SAS for $probe failed (see above)"
  check_container "$container_url/$probe?$sas" "$probe"
  log "storage reachable; waiting for the dump"
else
  # A user delegation SAS needs the blob's name: the container is checked once the dump names it.
  log "signed in; waiting for the dump (the container is checked once it names its blob)"
fi
exec {tick}<> <(:)
until [[ -f "$SCRATCH_DIR/blob-name" || -f "$SCRATCH_DIR/failed" ]]; do
  ((SECONDS < DUMP_WAIT_SECONDS)) || fail "the dump step did not start streaming within $DUMP_WAIT_SECONDS s"
  read -r -t 0.1 -u "$tick" _ || true
done
[[ -f "$SCRATCH_DIR/blob-name" ]] || fail "the dump step failed (see its log): nothing was uploaded"
blob=$(< "$SCRATCH_DIR/blob-name")
[[ $blob == *.dump ]] || fail "the dump step named the blob '$blob', not <name>.dump"
globals_blob=${blob%.dump}.globals.sql

# A SAS for this one blob, create, write and read (its own block list, its length) only, valid until
# the Job's deadline, and one for the globals (create and write): signed locally with the account
# key, or with workload identity two user delegation SASes made by az at once, while the sign-in is
# fresh (such a SAS stays valid after the token it was made with expires). They stay in this shell:
# curl reads them from a config on a file descriptor, never from its command line.
TZ=UTC printf -v expiry '%(%Y-%m-%dT%H:%MZ)T' $((EPOCHSECONDS + DUMP_WAIT_SECONDS + 600))
if [[ $AUTH_MODE == storageAccountKey ]]; then
  sas=$(blob_sas "$AZURE_STORAGE_ACCOUNT" "$BLOB_CONTAINER" "$blob" rcw "$expiry" "$protocol") \
    || fail "signing a SAS for $blob failed (see above)"
  globals_sas=$(blob_sas "$AZURE_STORAGE_ACCOUNT" "$BLOB_CONTAINER" "$globals_blob" cw "$expiry" "$protocol") \
    || fail "signing a SAS for $globals_blob failed (see above)"
else
  sas_options=()
  if [[ -n $protocol ]]; then sas_options+=(--https-only); fi
  pair=$(delegation_sas_pair "$expiry" "$blob" rcw "$globals_blob" cw "${sas_options[@]}") \
    || fail "making the SASes for $blob and $globals_blob failed (see above)"
  sas=${pair%%$'\n'*}
  globals_sas=${pair#*$'\n'}
  unset pair
fi
BLOB_URL="$container_url/$(url_path "$blob")?$sas"
globals_url="$container_url/$(url_path "$globals_blob")?$globals_sas"
unset sas globals_sas
# Before the dump starts streaming: the container exists and accepts the SAS (a blob of that name is
# only logged: the commit refuses it).
check_new_blob "$BLOB_URL" "$blob"

# The upload's own hash and count of the stream (the hashing copy's summary), to compare with the
# dump's, and what the stager sent.
rm -f -- "$SCRATCH_DIR/upload.sum" "$SCRATCH_DIR"/upload-{blocks,sent}.out
exec {in}< "$SCRATCH_DIR/upload.fifo"
: > "$SCRATCH_DIR/staging"
log "staging $blob in blocks of $BLOCK_MIB MiB while the dump runs"
hashed_copy "$SCRATCH_DIR/upload.sum" <&"$in" \
  | stage_blocks "$SCRATCH_DIR/upload-blocks.out" "$SCRATCH_DIR/upload-sent.out" \
  || {
    status=("${PIPESTATUS[@]}")
    fail "staging failed (the hashing copy exited with ${status[0]}, the stager with ${status[1]}): nothing was committed"
  }
exec {in}<&-
read -r read_size read_sha < "$SCRATCH_DIR/upload.sum" || fail "the hashing copy recorded no count and checksum: nothing was committed"
blocks=$(< "$SCRATCH_DIR/upload-blocks.out")
sent=$(< "$SCRATCH_DIR/upload-sent.out")
((sent == read_size)) || fail "curl sent $sent bytes of the $read_size read: nothing was committed"

until [[ -f "$SCRATCH_DIR/ready" || -f "$SCRATCH_DIR/failed" ]]; do
  ((SECONDS < DUMP_WAIT_SECONDS)) || fail "no verified dump after $DUMP_WAIT_SECONDS s: the dump step did not finish"
  read -r -t 0.1 -u "$tick" _ || true
done
[[ ! -f "$SCRATCH_DIR/failed" && -f "$SCRATCH_DIR/ready" ]] \
  || fail "the dump step failed (see its log): nothing was uploaded"
declare -A meta=()
headers=()
while IFS= read -r line; do
  # Each value becomes an HTTP header value: no spaces or control characters.
  [[ $line =~ ^[a-z_0-9]+=[^[:space:]]+$ ]] || fail "bad metadata line '$line'"
  headers+=("x-ms-meta-${line%%=*}: ${line#*=}")
  meta[${line%%=*}]=${line#*=}
done < "$SCRATCH_DIR/metadata"
[[ ${meta[sha256]:-} =~ ^[0-9a-f]{64}$ && ${meta[size]:-} =~ ^[1-9][0-9]*$ ]] || fail "the dump step recorded no checksum or size"
[[ $read_size == "${meta[size]}" && $read_sha == "${meta[sha256]}" ]] \
  || fail "the stream read here ($read_size bytes, sha256 $read_sha) is not the dump verified (${meta[size]} bytes, sha256 ${meta[sha256]}): nothing was committed"

# What Azure holds under each id is the last copy it received: the sizes must be those staged.
staged=$(staged_block_list) || fail "listing the blocks staged for $blob failed: nothing was committed"
check_block_sizes "$staged" "$blocks" "$read_size" \
  || fail "the blocks stored for $blob are not those staged (a late or damaged copy replaced one): nothing was committed"

# The globals, read here from the scratch volume, must be what the dump recorded; stored first, so a
# committed dump always has them. A commit that fails after this leaves them without a dump (retention
# deletes them): the restore reads globals only by the name of a dump.
[[ ${meta[globals_sha256]:-} =~ ^[0-9a-f]{64}$ && ${meta[globals_size]:-} =~ ^[1-9][0-9]*$ ]] \
  || fail "the dump step recorded no checksum or size of the globals: nothing was committed"
globals_sha=$(sha256_hex < "$SCRATCH_DIR/globals.sql") || fail "hashing the globals failed: nothing was committed"
globals_read=$(wc --bytes < "$SCRATCH_DIR/globals.sql") || fail "counting the globals failed: nothing was committed"
[[ $globals_read == "${meta[globals_size]}" && $globals_sha == "${meta[globals_sha256]}" ]] \
  || fail "the globals read here ($globals_read bytes, sha256 $globals_sha) are not those the dump recorded (${meta[globals_size]} bytes, sha256 ${meta[globals_sha256]}): nothing was committed"
put_blob "$SCRATCH_DIR/globals.sql" "$globals_url" "x-ms-meta-sha256: $globals_sha" "x-ms-meta-size: $globals_read" \
  'x-ms-meta-kind: globals' || fail "storing the globals as $globals_blob failed (an existing blob is never replaced): nothing was committed"
log "stored the globals as $globals_blob: $globals_read bytes, sha256 $globals_sha"

log "committing $blob: $blocks blocks, ${meta[size]} bytes"
commit_blocks "$blocks" "${headers[@]}" || fail "committing $blob failed (an existing blob is never replaced)"
# Its length through the same SAS (read permission): no second sign-in, as a user delegation SAS
# stays valid after the workload identity token it was made with has expired.
length=$(blob_length "$BLOB_URL") \
  || fail "reading the length of the committed blob $blob failed (see above): it is unchecked and must not be restored"
[[ $length == "${meta[size]}" ]] || fail "the committed blob $blob has $length bytes, the dump ${meta[size]}: it is wrong and must not be restored"
log "uploaded $blob: ${meta[size]} bytes, sha256 ${meta[sha256]}"
