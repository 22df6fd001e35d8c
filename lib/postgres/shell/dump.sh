#!/usr/bin/env bash
# postgres image, runs alongside the upload: `pg_dump -Fc` into `$SCRATCH_DIR`, proving the archive whole
# while it is written (every byte read back by pg_restore, hashed and counted; the stored file's size
# equal to the bytes read; its table of contents non-empty), then records size and SHA-256 and
# writes `ready` (or `failed` on any exit without it).
# shellcheck source=functions/common.sh
source "${BASH_SOURCE[0]%/*}/functions/common.sh"
# shellcheck source=functions/postgres.sh
source "${BASH_SOURCE[0]%/*}/functions/postgres.sh"
STEP=dump
begin_script

: "${SCRATCH_DIR:?}" "${BLOB_DIR:?}" "${PGHOST:?}" "${PGPORT:?}" "${PGDATABASE:?}" "${PGUSER:?}"
umask 077
cd "$SCRATCH_DIR" || fail "cannot enter $SCRATCH_DIR"
rm -f -- backup.partial backup.dump toc.list metadata blob-name ready failed sha256.out bytes.out hash.fifo read.fifo count.fifo
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

# The name records when the snapshot was taken (pg_dump's snapshot starts now), in UTC.
TZ=UTC printf -v stamp '%(%Y%m%dT%H%M%SZ)T' -1
printf '%s\n' "$BLOB_DIR/$stamp.dump" > blob-name
log "dumping $PGDATABASE from $PGHOST:$PGPORT (server $server_version, pg_dump $dump_version)"
# One pass: while pg_dump writes, tee stores the archive and feeds the same bytes to the hash, to a
# byte count and to a full read-back (pg_restore --file=/dev/null reads and decompresses every
# entry, which fails on a truncated or damaged archive; --list alone passes one). Every process's
# exit status is checked: the pipeline's through PIPESTATUS, the readers' through wait.
mkfifo hash.fifo read.fifo count.fifo
sha256_hex > sha256.out < hash.fifo &
hasher=$!
wc --bytes > bytes.out < count.fifo &
counter=$!
pg_restore --file=/dev/null < read.fifo &
reader=$!
pg_dump --format=custom --no-password | tee hash.fifo count.fifo read.fifo > backup.partial \
  || {
    status=("${PIPESTATUS[@]}")
    fail "pg_dump exited with status ${status[0]}, tee (writing the archive) with ${status[1]}: the dump is incomplete"
  }
log "verifying the archive"
wait "$reader" || fail "the archive cannot be read back in full (pg_restore failed above): it is truncated or damaged"
wait "$hasher" || fail "hashing the archive failed"
wait "$counter" || fail "counting the archive's bytes failed"
sha256=$(< sha256.out)
streamed=$(< bytes.out)
size=$(stat -c %s backup.partial)
((size > 0)) || fail "the archive is empty"
# The stored file must be exactly the bytes that were read back and hashed.
((size == streamed)) || fail "the stored archive has $size bytes, pg_dump wrote $streamed: the scratch volume lost data"
# The stored file's table of contents must list at least one object.
pg_restore --list backup.partial > toc.list
entries=$(grep --count --invert-match --regexp='^;' --regexp='^$' toc.list || true)
((entries > 0)) || fail "the archive lists no objects: database $PGDATABASE is empty or not the one meant"
mv backup.partial backup.dump

printf '%s\n' "sha256=$sha256" "size=$size" "server_version=$server_version" "pg_dump_version=$dump_version" \
  "source=$PGHOST:$PGPORT/$PGDATABASE" "created=$stamp" "entries=$entries" > metadata
# Written last: the upload step uploads nothing without it.
printf 'ok\n' > ready
log "dump verified: $size bytes, $entries entries, sha256 $sha256"
