#!/usr/bin/env bash
# postgres image, runs alongside the upload: streams `pg_dump -Fc` to the upload container through
# a pipe in `$SCRATCH_DIR` (no archive is ever stored), proving the stream whole on the way: every
# byte read back by pg_restore, hashed and counted, its table of contents non-empty. Then records
# size and SHA-256 and writes `ready` (or `failed` on any exit without it); the upload commits the
# blocks it staged only if its own hash and count of the stream are the same. Before the stream, the
# cluster's roles and tablespaces (`pg_dumpall --globals-only`, without role passwords) are written
# to `globals.sql` on the scratch volume, their hash and size recorded with the dump's metadata; the
# upload stores them as their own blob beside the dump.
# shellcheck source=functions/common.sh
source "${BASH_SOURCE[0]%/*}/functions/common.sh"
# shellcheck source=functions/postgres.sh
source "${BASH_SOURCE[0]%/*}/functions/postgres.sh"
# shellcheck source=functions/pipes.sh
source "${BASH_SOURCE[0]%/*}/functions/pipes.sh"
STEP=dump
begin_script

: "${SCRATCH_DIR:?}" "${BLOB_DIR:?}" "${DUMP_COMPRESSION:?}" "${PGHOST:?}" "${PGPORT:?}" "${PGDATABASE:?}" "${PGUSER:?}"
umask 077
cd "$SCRATCH_DIR" || fail "cannot enter $SCRATCH_DIR"
rm -f -- metadata blob-name blob-name.new ready failed staging sha256.out bytes.out entries.out \
  hash.fifo read.fifo count.fifo list.fifo upload.fifo globals.sql
# The upload container runs alongside and waits for "ready" or "failed": any exit without "ready",
# for whatever reason, leaves "failed" (a kill without a trap is bounded by the upload's wait and
# the Job's activeDeadlineSeconds).
trap '[[ -f "$SCRATCH_DIR/ready" ]] || printf "failed\n" > "$SCRATCH_DIR/failed"' EXIT
[[ -n "${PGPASSWORD-}" ]] || fail "PGPASSWORD is empty: check the password Secret"

# The first query proves the server is reachable and the password right, and tells its version.
server_num=$(psql --no-psqlrc --no-align --tuples-only --quiet --command 'SHOW server_version_num')
server_version=$(psql --no-psqlrc --no-align --tuples-only --quiet --command 'SHOW server_version')
server_version=${server_version%% *}
dump_major=$(client_major pg_dump)
dump_version=$(client_version pg_dump)
((dump_major >= server_num / 10000)) \
  || fail "pg_dump $dump_version is older than the server ($server_version): it refuses to dump a newer server"

# The archive's compression, as BackupCronJob's `compression` prop wrote it (checked at synth; checked
# again here, as the variable is the script's whole contract). PostgreSQL 15's pg_dump knows only
# gzip levels (--compress=0..9, 0 meaning none), which 16 and later read the same way; lz4 and zstd
# need --compress=method[:level] of pg_dump 16. Plain `gzip` passes nothing: pg_dump's own default.
compress=()
case $DUMP_COMPRESSION in
  gzip) ;;
  none) compress=(--compress=0) ;;
  gzip:[0-9]) compress=(--compress="${DUMP_COMPRESSION#gzip:}") ;;
  lz4 | lz4:[1-9] | lz4:1[0-2] | zstd | zstd:[1-9] | zstd:1[0-9] | zstd:2[0-2])
    ((dump_major >= 16)) \
      || fail "DUMP_COMPRESSION '$DUMP_COMPRESSION' needs pg_dump 16 or later, this is pg_dump $dump_version: use gzip or none, or a PostgreSQL 16+ image"
    compress=(--compress="$DUMP_COMPRESSION")
    ;;
  *) fail "DUMP_COMPRESSION '$DUMP_COMPRESSION' is not one of gzip, gzip:0-9, lz4, lz4:1-12, zstd, zstd:1-22, none" ;;
esac

# The globals (roles, their memberships and settings, tablespaces) that a dump of one database does
# not hold, from the database the dump reads (so no access to another database is needed).
# --no-role-passwords: no password hash ever leaves the server (it also lets a non-superuser read
# the roles, from pg_roles instead of pg_authid).
pg_dumpall --globals-only --no-role-passwords --no-password --database="$PGDATABASE" --file=globals.sql \
  || fail "pg_dumpall --globals-only failed (see above): the roles and tablespaces cannot be backed up, so nothing is"
globals_sha256=$(sha256_hex < globals.sql) || fail "hashing the globals failed"
globals_size=$(wc --bytes < globals.sql) || fail "counting the globals' bytes failed"
((globals_size > 0)) || fail "pg_dumpall --globals-only wrote nothing"
log "globals dumped: $globals_size bytes, sha256 $globals_sha256"

# The readers of the stream, started first so that none of them holds the upload pipe open. Each
# one blocks until tee opens its pipe, then enlarges it (and tee its own input): pg_dump waits only
# when a reader is 1 MiB behind. The TOC is listed from its own copy of the stream, which is then
# drained: pg_restore --list stops reading after the TOC, and tee would die of SIGPIPE.
mkfifo hash.fifo read.fifo count.fifo list.fifo upload.fifo
{
  enlarge_pipes 0
  sha256_hex > sha256.out
} < hash.fifo &
hasher=$!
{
  enlarge_pipes 0
  exec wc --bytes > bytes.out
} < count.fifo &
counter=$!
# A full read-back: pg_restore --file=/dev/null reads and decompresses every entry, which fails on
# a truncated or damaged archive (--list alone passes one).
{
  enlarge_pipes 0
  exec pg_restore --file=/dev/null
} < read.fifo &
reader=$!
{
  enlarge_pipes 0
  pg_restore --list | { grep --count --invert-match --regexp='^;' --regexp='^$' || true; } > entries.out
  cat > /dev/null
} < list.fifo &
lister=$!
# The upload pipe is opened for reading and writing first, so that opening it to write never blocks
# however late the upload comes; that extra reader is closed once the upload has opened its end
# ("staging"). From then on the upload is the only reader: if it exits, tee gets EPIPE and fails.
exec {hold}<> upload.fifo
exec {out}> upload.fifo
# The name records when the snapshot was taken (pg_dump's snapshot starts now), in UTC; the upload
# needs it (for its SAS) before the stream starts.
TZ=UTC printf -v stamp '%(%Y%m%dT%H%M%SZ)T' -1
printf '%s\n' "$BLOB_DIR/$stamp.dump" > blob-name.new
mv blob-name.new blob-name
exec {tick}<> <(:)
until [[ -f staging ]]; do
  [[ ! -f upload-exited ]] || fail "the upload container exited before it read the stream (see its log): nothing was dumped"
  read -r -t 0.1 -u "$tick" _ || true
done
exec {hold}>&-
log "dumping $PGDATABASE from $PGHOST:$PGPORT (server $server_version, pg_dump $dump_version, compression $DUMP_COMPRESSION)"
# One pass: while pg_dump writes, tee feeds the same bytes to the upload, the hash, the byte count,
# the read-back and the TOC listing. Every process's exit status is checked: the pipeline's through
# PIPESTATUS, the readers' through wait.
pg_dump --format=custom "${compress[@]}" --no-password | {
  enlarge_pipes 0
  exec tee hash.fifo count.fifo read.fifo list.fifo
} >&"$out" \
  || {
    status=("${PIPESTATUS[@]}")
    fail "pg_dump exited with status ${status[0]}, tee (streaming to the upload) with ${status[1]}: the dump is incomplete"
  }
# The end of the stream for the upload.
exec {out}>&-
log "verifying the archive"
wait "$reader" || fail "the archive cannot be read back in full (pg_restore failed above): it is truncated or damaged"
wait "$hasher" || fail "hashing the archive failed"
wait "$counter" || fail "counting the archive's bytes failed"
wait "$lister" || fail "the archive's table of contents cannot be listed (pg_restore failed above)"
sha256=$(< sha256.out)
size=$(< bytes.out)
entries=$(< entries.out)
((size > 0)) || fail "the archive is empty"
((entries > 0)) || fail "the archive lists no objects: database $PGDATABASE is empty or not the one meant"

printf '%s\n' "sha256=$sha256" "size=$size" "server_version=$server_version" "pg_dump_version=$dump_version" \
  "source=$PGHOST:$PGPORT/$PGDATABASE" "created=$stamp" "entries=$entries" "compression=$DUMP_COMPRESSION" \
  "globals_sha256=$globals_sha256" "globals_size=$globals_size" > metadata
# Written last: the upload commits nothing without it.
printf 'ok\n' > ready
log "dump verified: $size bytes, $entries entries, sha256 $sha256"
