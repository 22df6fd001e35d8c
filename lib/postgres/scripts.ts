/**
 * The shell scripts the backup, restore and drill containers run. They are constant text: every
 * parameter arrives through the environment (names, paths, credentials from Secrets), so nothing a
 * user passes is ever spliced into shell code, and the manifest shows exactly what runs.
 *
 * Contract shared by all scripts:
 * - `set -Eeuo pipefail` (`set -euo pipefail` plus the ERR trap inside functions), and an ERR trap that names the failing command: any failure fails the Job.
 * - Paths come only from variables (`SCRATCH_DIR`, `HOME`, `AZURE_CONFIG_DIR`); nothing is written
 *   outside them, so the root filesystem stays read-only.
 * - The postgres image (Debian) provides bash, coreutils, openssl (a dependency of the server package)
 *   and the PostgreSQL client and server. The azure-cli image is only trusted with bash and `az`: its
 *   scripts use no other program.
 */

/** Logging, failure and the ERR trap; `STEP` names the container in every line. */
const PRELUDE = `set -Eeuo pipefail
log() { TZ=UTC printf '%(%Y-%m-%dT%H:%M:%SZ)T [%s] %s\\n' -1 "$STEP" "$*" >&2; }
fail() { log "FAILED: $*"; exit 1; }
trap 'log "FAILED: command exited with status $? at line $LINENO: $BASH_COMMAND"' ERR
`;

/** Checks the PostgreSQL client's major version against a required minimum. */
const POSTGRES_HELPERS = `
# Major version of a PostgreSQL program, from "pg_dump (PostgreSQL) 17.2 (Debian ...)".
client_major() {
  local text
  text=$("$1" --version)
  [[ $text =~ \\(PostgreSQL\\)\\ ([0-9]+) ]] || fail "cannot read the version of $1 from: $text"
  printf '%s\\n' "\${BASH_REMATCH[1]}"
}

client_version() {
  local text
  text=$("$1" --version)
  [[ $text =~ \\(PostgreSQL\\)\\ ([0-9][0-9a-z.]*) ]] || fail "cannot read the version of $1 from: $text"
  printf '%s\\n' "\${BASH_REMATCH[1]}"
}

# SHA-256 of a stream, as hex: openssl uses the CPU's SHA instructions (three times sha256sum's speed).
sha256_hex() {
  local out
  out=$(openssl dgst -sha256 -r) || return 1
  printf '%s\\n' "\${out%% *}"
}

# The restore side of the stream the fetch container sends: creates the pipe it writes into and,
# on any exit, leaves "restore-exited" so that a fetch container still waiting for a reader stops.
open_stream() {
  trap 'on_exit' EXIT
  # bash as PID 1 ignores SIGTERM: on the Job's deadline, exit through the hooks instead.
  trap 'exit 143' TERM
  rm -f -- "$SCRATCH_DIR/dump.fifo" "$SCRATCH_DIR/restore-exited"
  mkfifo -m 600 -- "$SCRATCH_DIR/dump.fifo"
}
on_exit() {
  local status=$?
  # First, so that the fetch container learns at once why its pipe broke.
  : > "$SCRATCH_DIR/restore-exited"
  for hook in "\${exit_hooks[@]}"; do "$hook" || true; done
  exit "$status"
}
exit_hooks=()

# Waits (at most FETCH_WAIT_SECONDS) until the fetch container has found the dump and recorded its
# name, size and SHA-256 from the time it was taken; checks that this pg_restore can read it.
await_fetch() {
  local key value tick dump_major restore_major
  : "\${FETCH_WAIT_SECONDS:?}"
  declare -gA fetched=()
  exec {tick}<> <(:)
  until [[ -f "$SCRATCH_DIR/fetched.ready" || -f "$SCRATCH_DIR/fetch-failed" ]]; do
    (( SECONDS < FETCH_WAIT_SECONDS )) || fail "the fetch container found no dump within $FETCH_WAIT_SECONDS s: nothing was restored"
    read -r -t 0.1 -u "$tick" _ || true
  done
  [[ -f "$SCRATCH_DIR/fetched.ready" ]] || fail "the fetch container failed (see its log): nothing was restored"
  while IFS='=' read -r key value; do fetched[$key]=$value; done < "$SCRATCH_DIR/fetched"
  [[ \${fetched[sha256]:-} =~ ^[0-9a-f]{64}$ && \${fetched[size]:-} =~ ^[0-9]+$ && -n \${fetched[blob]:-} ]] \\
    || fail "the fetch container recorded no blob, size or checksum"
  dump_major=\${fetched[pg_dump_version]%%.*}
  restore_major=$(client_major pg_restore)
  if [[ $dump_major =~ ^[0-9]+$ ]] && (( dump_major > restore_major )); then
    fail "the dump was written by pg_dump \${fetched[pg_dump_version]}, which pg_restore $restore_major cannot read: use an image of PostgreSQL $dump_major or newer"
  fi
}

# Copies pg_restore --single-transaction's SQL from stdin to stdout without its final COMMIT:
# that statement, and the comments and \\unrestrict after it, are held back and dropped (the
# script sends COMMIT itself, after the checksum). With --single-transaction, pg_restore writes
# one BEGIN first and one COMMIT last, and none around large objects. The last 64 KiB are kept
# back while copying, so the COMMIT is always found; anything else after it is an error.
hold_back_commit() {
  perl -e '
    binmode STDIN; binmode STDOUT;
    my ($buf, $keep) = ("", 65536);
    while (1) {
      my $n = sysread(STDIN, $buf, 1 << 20, length $buf);
      die "reading the SQL: $!\\n" unless defined $n;
      last if $n == 0;
      print substr($buf, 0, length($buf) - $keep, "") or die "writing the SQL: $!\\n" if length($buf) > $keep;
    }
    my $at = rindex($buf, "\\nCOMMIT;\\n");
    die "pg_restore wrote no final COMMIT\\n" if $at < 0;
    for (split /\\n/, substr($buf, $at + 9)) {
      die "pg_restore wrote more after its COMMIT: $_\\n" unless /^(|--.*|\\\\unrestrict \\S+)$/;
    }
    print substr($buf, 0, $at + 1) or die "writing the SQL: $!\\n";
    close STDOUT or die "writing the SQL: $!\\n";
  '
}

# Restores the stream into database $1 (further arguments go to pg_restore) and prints nothing
# until it is committed. pg_restore turns the archive into SQL (one transaction) that psql runs,
# stopping at the first error; tee hashes and counts the same bytes on the way. The one COMMIT is
# sent after the stream has ended, pg_restore and the filter have succeeded, and the stream's size
# and SHA-256 equal those recorded at backup time. Any failure ends psql's input without COMMIT, so
# the server rolls the whole restore back: a truncated or corrupt dump never leaves a partial database.
# Run in the background and waited for (see stream_restore), where errexit is off: every step is checked explicitly.
stream_restore_pipeline() {
  local target=$1 hasher counter size sha status
  shift
  rm -f -- "$SCRATCH_DIR/hash.fifo" "$SCRATCH_DIR/count.fifo" "$SCRATCH_DIR/sha256.out" "$SCRATCH_DIR/bytes.out" || return 1
  mkfifo -m 600 -- "$SCRATCH_DIR/hash.fifo" "$SCRATCH_DIR/count.fifo" || return 1
  {
    # Output redirected first: while they wait for the pipe's other end, they must not hold psql's input open.
    sha256_hex > "$SCRATCH_DIR/sha256.out" < "$SCRATCH_DIR/hash.fifo" &
    hasher=$!
    wc --bytes > "$SCRATCH_DIR/bytes.out" < "$SCRATCH_DIR/count.fifo" &
    counter=$!
    tee "$SCRATCH_DIR/hash.fifo" "$SCRATCH_DIR/count.fifo" < "$SCRATCH_DIR/dump.fifo" \\
      | pg_restore "$@" --single-transaction --file=- | hold_back_commit
    status=("\${PIPESTATUS[@]}")
    (( status[0] == 0 && status[1] == 0 && status[2] == 0 )) \\
      || fail "reading \${fetched[blob]} failed: tee exited with \${status[0]}, pg_restore with \${status[1]}, the COMMIT filter with \${status[2]} (an SQL error, if any, is reported above)"
    wait "$hasher" || fail "hashing the stream failed"
    wait "$counter" || fail "counting the stream's bytes failed"
    size=$(< "$SCRATCH_DIR/bytes.out")
    [[ $size == "\${fetched[size]}" ]] \\
      || fail "size mismatch for \${fetched[blob]}: received $size bytes, the blob records \${fetched[size]}"
    sha=$(< "$SCRATCH_DIR/sha256.out")
    [[ $sha == "\${fetched[sha256]}" ]] \\
      || fail "checksum mismatch for \${fetched[blob]}: sha256 $sha, recorded at backup time \${fetched[sha256]}; the dump is corrupt"
    log "verified \${fetched[blob]}: $size bytes, sha256 $sha"
    printf 'COMMIT;\\n'
  } | psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --dbname="$target" > /dev/null
}

# Runs stream_restore_pipeline in the background and waits for it: bash runs a trapped TERM (the Job's
# deadline) only between foreground commands, but interrupts a wait at once.
stream_restore() {
  local pid
  stream_restore_pipeline "$@" &
  pid=$!
  wait "$pid"
}
`;

/** The az command groups the scripts run and the modules that provide them: what their az command index lists. */
export const AZ_COMMAND_MODULES = {
  storage: ['azure.cli.command_modules.storage'],
  login: ['azure.cli.command_modules.profile'],
} as const;

/** Signs in to Azure Storage; leaves the arguments every `az storage` call needs in \`storage\`. */
const AZURE_HELPERS = `
# On its first call in a new AZURE_CONFIG_DIR, az indexes its command modules by loading every one
# of them (about a second of CPU). These scripts only run "az storage" and "az login", so the index
# is written for those two, for the az version of the image tag (AZURE_CLI_VERSION, set at synth
# when the tag is a version). An az of another version ignores it and builds its own, as without it.
prime_az() {
  : "\${AZURE_CONFIG_DIR:?}"
  [[ \${AZURE_CLI_VERSION:-} =~ ^[0-9]+\\.[0-9]+\\.[0-9]+$ && -d $AZURE_CONFIG_DIR && ! -e $AZURE_CONFIG_DIR/commandIndex.json ]] || return 0
  printf '{"version": "%s", "cloudProfile": "latest", "commandIndex": ${JSON.stringify(AZ_COMMAND_MODULES)}}\\n' \\
    "$AZURE_CLI_VERSION" > "$AZURE_CONFIG_DIR/commandIndex.json"
}

# Fills the array "storage" with the account, endpoint and auth mode for az storage commands.
# Keys travel in the environment, never on a command line (az reads AZURE_STORAGE_KEY itself). The
# one exception is az's documented workload identity login, which takes the short-lived federated
# token as an argument; it is visible only inside this container, which shares no process namespace.
storage_login() {
  : "\${AZURE_STORAGE_ACCOUNT:?}" "\${BLOB_CONTAINER:?}" "\${AUTH_MODE:?}"
  storage=(--account-name "$AZURE_STORAGE_ACCOUNT")
  if [[ -n "\${BLOB_ENDPOINT:-}" ]]; then storage+=(--blob-endpoint "$BLOB_ENDPOINT"); fi
  case "$AUTH_MODE" in
    storageAccountKey)
      [[ -n "\${AZURE_STORAGE_KEY-}" ]] || fail "AZURE_STORAGE_KEY is empty: check the storage account key Secret"
      storage+=(--auth-mode key)
      ;;
    workloadIdentity)
      [[ -n "\${AZURE_CLIENT_ID:-}" && -n "\${AZURE_TENANT_ID:-}" && -r "\${AZURE_FEDERATED_TOKEN_FILE:-}" ]] \\
        || fail "no workload identity: the pod needs the label azure.workload.identity/use=true and a service account annotated with azure.workload.identity/client-id"
      az login --service-principal --username "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID" \\
        --federated-token "$(< "$AZURE_FEDERATED_TOKEN_FILE")" --allow-no-subscriptions --only-show-errors --output none
      storage+=(--auth-mode login)
      ;;
    *) fail "unknown AUTH_MODE '$AUTH_MODE' (storageAccountKey or workloadIdentity)" ;;
  esac
}
`;

const DUMP_BODY = `
: "\${SCRATCH_DIR:?}" "\${BLOB_DIR:?}" "\${PGHOST:?}" "\${PGPORT:?}" "\${PGDATABASE:?}" "\${PGUSER:?}"
umask 077
cd "$SCRATCH_DIR"
rm -f -- backup.partial backup.dump toc.list metadata blob-name ready failed sha256.out bytes.out hash.fifo read.fifo count.fifo
# The upload container runs alongside and waits for "ready" or "failed": any exit without "ready",
# for whatever reason, leaves "failed" (a kill without a trap is bounded by the upload's wait and
# the Job's activeDeadlineSeconds).
trap '[[ -f "$SCRATCH_DIR/ready" ]] || printf "failed\\n" > "$SCRATCH_DIR/failed"' EXIT
[[ -n "\${PGPASSWORD-}" ]] || fail "PGPASSWORD is empty: check the password Secret"

# The first query proves the server is reachable and the password right, and tells its version.
server_num=$(psql --no-psqlrc --no-align --tuples-only --quiet --command 'SHOW server_version_num')
server_version=$(psql --no-psqlrc --no-align --tuples-only --quiet --command 'SHOW server_version')
server_version=\${server_version%% *}
dump_major=$(client_major pg_dump)
dump_version=$(client_version pg_dump)
(( dump_major >= server_num / 10000 )) \\
  || fail "pg_dump $dump_version is older than the server ($server_version): it refuses to dump a newer server"

# The name records when the snapshot was taken (pg_dump's snapshot starts now), in UTC.
TZ=UTC printf -v stamp '%(%Y%m%dT%H%M%SZ)T' -1
printf '%s\\n' "$BLOB_DIR/$stamp.dump" > blob-name
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
pg_dump --format=custom --no-password | tee hash.fifo count.fifo read.fifo > backup.partial \\
  || { status=("\${PIPESTATUS[@]}"); fail "pg_dump exited with status \${status[0]}, tee (writing the archive) with \${status[1]}: the dump is incomplete"; }
log "verifying the archive"
wait "$reader" || fail "the archive cannot be read back in full (pg_restore failed above): it is truncated or damaged"
wait "$hasher" || fail "hashing the archive failed"
wait "$counter" || fail "counting the archive's bytes failed"
sha256=$(< sha256.out)
streamed=$(< bytes.out)
size=$(stat -c %s backup.partial)
(( size > 0 )) || fail "the archive is empty"
# The stored file must be exactly the bytes that were read back and hashed.
(( size == streamed )) || fail "the stored archive has $size bytes, pg_dump wrote $streamed: the scratch volume lost data"
# The stored file's table of contents must list at least one object.
pg_restore --list backup.partial > toc.list
entries=$(grep --count --invert-match --regexp='^;' --regexp='^$' toc.list || true)
(( entries > 0 )) || fail "the archive lists no objects: database $PGDATABASE is empty or not the one meant"
mv backup.partial backup.dump

printf '%s\\n' "sha256=$sha256" "size=$size" "server_version=$server_version" "pg_dump_version=$dump_version" \\
  "source=$PGHOST:$PGPORT/$PGDATABASE" "created=$stamp" "entries=$entries" > metadata
# Written last: the upload step uploads nothing without it.
printf 'ok\\n' > ready
log "dump verified: $size bytes, $entries entries, sha256 $sha256"
`;

const UPLOAD_BODY = `
: "\${SCRATCH_DIR:?}" "\${DUMP_WAIT_SECONDS:?}"
# Runs alongside the dump container: signs in and proves the container reachable while pg_dump
# runs, then waits for the dump's "ready" (or "failed") marker.
prime_az
storage_login
exists=$(az storage container exists "\${storage[@]}" --name "$BLOB_CONTAINER" --query exists --output tsv --only-show-errors)
[[ $exists == true ]] || fail "container $BLOB_CONTAINER does not exist in $AZURE_STORAGE_ACCOUNT"
log "storage reachable; waiting for the verified dump"
exec {tick}<> <(:)
until [[ -f "$SCRATCH_DIR/ready" || -f "$SCRATCH_DIR/failed" ]]; do
  (( SECONDS < DUMP_WAIT_SECONDS )) || fail "no verified dump after $DUMP_WAIT_SECONDS s: the dump step did not finish"
  read -r -t 0.1 -u "$tick" _ || true
done
[[ ! -f "$SCRATCH_DIR/failed" && -f "$SCRATCH_DIR/ready" && -f "$SCRATCH_DIR/backup.dump" ]] \\
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
  meta[\${line%%=*}]=\${line#*=}
done < "$SCRATCH_DIR/metadata"
[[ \${meta[sha256]:-} =~ ^[0-9a-f]{64}$ && \${meta[size]:-} =~ ^[1-9][0-9]*$ ]] || fail "the dump step recorded no checksum or size"

log "uploading $blob (\${meta[size]} bytes) to container $BLOB_CONTAINER of $AZURE_STORAGE_ACCOUNT"
# --if-none-match '*': the upload fails instead of replacing a blob that already has this name.
az storage blob upload "\${storage[@]}" --container-name "$BLOB_CONTAINER" --name "$blob" \\
  --file "$SCRATCH_DIR/backup.dump" --type block --metadata "\${metadata[@]}" \\
  --if-none-match '*' --max-connections 8 --no-progress --only-show-errors --output none
log "uploaded $blob: \${meta[size]} bytes, sha256 \${meta[sha256]}"
`;

const FETCH_BODY = `
: "\${SCRATCH_DIR:?}" "\${DUMP_PREFIX:?}" "\${RESTORE_WAIT_SECONDS:?}"
umask 077
# The restore container waits for "fetched.ready" or "fetch-failed": any exit before the first,
# for whatever reason, leaves the second.
trap '[[ -f "$SCRATCH_DIR/fetched.ready" ]] || printf "failed\\n" > "$SCRATCH_DIR/fetch-failed"' EXIT
# bash as PID 1 ignores SIGTERM: on the Job's deadline, exit (through the trap above) instead.
trap 'exit 143' TERM
prime_az
storage_login
if [[ -n "\${BACKUP_BLOB:-}" ]]; then
  found=$(az storage blob show "\${storage[@]}" --container-name "$BLOB_CONTAINER" --name "$BACKUP_BLOB" \\
    --query '[name, properties.contentLength, metadata.sha256, metadata.pg_dump_version]' --output tsv --only-show-errors)
else
  # Names carry a UTC timestamp, so the last name in order is the latest dump.
  found=$(az storage blob list "\${storage[@]}" --container-name "$BLOB_CONTAINER" --prefix "$DUMP_PREFIX" --include m --num-results '*' \\
    --query "sort_by([?ends_with(name, '.dump')], &name)[-1].[name, properties.contentLength, metadata.sha256, metadata.pg_dump_version]" \\
    --output tsv --only-show-errors)
fi
mapfile -t fields <<< "$found"
blob=\${fields[0]:-}
[[ -n $blob && $blob != None ]] || fail "no dump under $DUMP_PREFIX in container $BLOB_CONTAINER of $AZURE_STORAGE_ACCOUNT"
[[ \${fields[2]:-} =~ ^[0-9a-f]{64}$ ]] \\
  || fail "blob $blob records no sha256: it was not written by BackupCronJob, and an unverifiable dump is not restored"

# The restore container creates the pipe when it starts, and reads it once it has the checksum.
exec {tick}<> <(:)
until [[ -p "$SCRATCH_DIR/dump.fifo" ]]; do
  [[ ! -f "$SCRATCH_DIR/restore-exited" ]] || fail "the restore container stopped before the download (see its log)"
  (( SECONDS < RESTORE_WAIT_SECONDS )) || fail "the restore container created no pipe within $RESTORE_WAIT_SECONDS s"
  read -r -t 0.1 -u "$tick" _ || true
done
printf '%s\\n' "blob=$blob" "size=\${fields[1]}" "sha256=\${fields[2]}" "pg_dump_version=\${fields[3]:-}" > "$SCRATCH_DIR/fetched"
printf 'ok\\n' > "$SCRATCH_DIR/fetched.ready"
log "streaming $blob (\${fields[1]} bytes) to the restore"
# Without --file, az writes the blob to its standard output, which is the pipe. Opening it waits
# for the reader; a reader that is gone ends the download (az fails writing), and one that never
# came is noticed through "restore-exited", after a grace period for a download that is finishing.
az storage blob download "\${storage[@]}" --container-name "$BLOB_CONTAINER" --name "$blob" \\
  --no-progress --only-show-errors > "$SCRATCH_DIR/dump.fifo" &
downloader=$!
grace=0
while kill -0 "$downloader" 2> /dev/null; do
  if [[ -f "$SCRATCH_DIR/restore-exited" ]] && (( ++grace > 50 )); then
    kill "$downloader" 2> /dev/null || true
    wait "$downloader" || true
    fail "the restore container stopped before reading all of $blob (see its log)"
  fi
  read -r -t 0.1 -u "$tick" _ || true
done
if ! wait "$downloader"; then
  # A reader that stopped breaks the pipe: give its exit marker a moment before blaming the download.
  for (( i = 0; i < 50; i++ )); do
    [[ ! -f "$SCRATCH_DIR/restore-exited" ]] || fail "the restore container stopped reading $blob (see its log)"
    read -r -t 0.1 -u "$tick" _ || true
  done
  fail "downloading $blob failed"
fi
log "sent $blob"
`;

const RESTORE_BODY = `
: "\${SCRATCH_DIR:?}" "\${PGHOST:?}" "\${PGPORT:?}" "\${PGDATABASE:?}" "\${PGUSER:?}" "\${RESTORE_MODE:?}"
umask 077
open_stream
[[ -n "\${PGPASSWORD-}" ]] || fail "PGPASSWORD is empty: check the password Secret"
# Proves the server reachable and the password right while the fetch container looks for the dump.
psql --no-psqlrc --quiet --command 'SELECT 1' > /dev/null
await_fetch

options=()
if [[ "\${RESTORE_OWNERSHIP:-false}" != true ]]; then options+=(--no-owner --no-privileges); fi
case "$RESTORE_MODE" in
  clean)
    target=$PGDATABASE
    log "restoring \${fetched[blob]} into $target on $PGHOST:$PGPORT, replacing its objects (one transaction: all or nothing)"
    stream_restore "$target" "\${options[@]}" --clean --if-exists || fail "the restore did not commit: $target is unchanged"
    log "committed"
    ;;
  newDatabase)
    target=\${RESTORE_DATABASE:?}
    log "creating database $target on $PGHOST:$PGPORT"
    # createdb fails if the database exists: a restore never overwrites one it did not create.
    createdb --no-password --maintenance-db="$PGDATABASE" -- "$target"
    # --force: the rolled-back restore's session may still be closing.
    drop_new_database() { log "dropping the new database $target"; dropdb --no-password --force --maintenance-db="$PGDATABASE" --if-exists -- "$target"; }
    exit_hooks+=(drop_new_database)
    log "restoring \${fetched[blob]} into $target (one transaction: all or nothing)"
    stream_restore "$target" "\${options[@]}" || fail "the restore did not commit: nothing was restored"
    exit_hooks=()
    log "committed"
    ;;
  *) fail "unknown RESTORE_MODE '$RESTORE_MODE' (clean or newDatabase)" ;;
esac
tables=$(psql --no-psqlrc --no-align --tuples-only --quiet --dbname="$target" \\
  --command "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
log "restored \${fetched[blob]} into $target: $tables tables"
`;

const DRILL_BODY = `
: "\${SCRATCH_DIR:?}" "\${DRILL_DATABASE:?}" "\${DRILL_QUERY:?}"
umask 077
open_stream

# A throwaway server inside this container, started while the fetch container looks for the dump:
# data in the scratch volume, a Unix socket only, no TCP.
data="$SCRATCH_DIR/pgdata"
socket_dir="$SCRATCH_DIR/run"
mkdir -p -- "$socket_dir"
log "starting a throwaway PostgreSQL $(client_version postgres)"
initdb --pgdata="$data" --username=drill --auth=trust --encoding=UTF8 --no-sync > "$SCRATCH_DIR/initdb.log"
stop_server() { pg_ctl --pgdata="$data" --mode=immediate --silent stop; }
exit_hooks+=(stop_server)
# Durability is pointless for a server that lives for one restore.
pg_ctl --pgdata="$data" --log="$SCRATCH_DIR/postgres.log" --wait --silent \\
  --options="-c listen_addresses='' -c unix_socket_directories='$socket_dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c wal_level=minimal -c max_wal_senders=0" \\
  start || { cat "$SCRATCH_DIR/postgres.log" >&2; fail "the throwaway server did not start"; }
export PGHOST=$socket_dir PGPORT=5432 PGUSER=drill
unset PGPASSWORD PGDATABASE
createdb -- "$DRILL_DATABASE"

await_fetch
log "restoring \${fetched[blob]} into the throwaway server"
stream_restore "$DRILL_DATABASE" --no-owner --no-privileges || fail "\${fetched[blob]} cannot be restored: the drill failed"
tables=$(psql --no-psqlrc --no-align --tuples-only --quiet --dbname="$DRILL_DATABASE" \\
  --command "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
log "restored $tables tables; running the verification query"
# The query is data, never script: psql gets it as a variable and passes it to the server as one
# quoted literal (:'query'), so no psql meta-command in it runs. On the server it runs as a role that
# reads every table (pg_read_all_data, BYPASSRLS) and may do nothing else (no superuser: no COPY TO
# PROGRAM, no server files), in a read-only transaction, opened as a cursor: the server itself
# refuses a second statement or one that returns no rows. It must return one row of one boolean.
psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --dbname="$DRILL_DATABASE" \\
  --command='CREATE ROLE aks_stateful_verifier LOGIN BYPASSRLS' \\
  --command='GRANT pg_read_all_data TO aks_stateful_verifier' > /dev/null
result=$(psql --no-psqlrc --no-align --tuples-only --quiet --set=ON_ERROR_STOP=1 --username=aks_stateful_verifier \\
  --dbname="$DRILL_DATABASE" --set=query="$DRILL_QUERY" <<'SQL'
CREATE FUNCTION pg_temp.aks_stateful_verify(query text) RETURNS boolean LANGUAGE plpgsql AS $verify$
DECLARE
  found_rows refcursor;
  first_row record;
  columns json;
  width integer;
  answer json;
BEGIN
  OPEN found_rows FOR EXECUTE query;
  FETCH found_rows INTO first_row;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'the verification query returned no row';
  END IF;
  MOVE found_rows;
  IF FOUND THEN
    RAISE EXCEPTION 'the verification query returned more than one row';
  END IF;
  CLOSE found_rows;
  -- json, not jsonb: two columns of one name stay two.
  columns := to_json(first_row);
  SELECT count(*), min(value::text)::json INTO width, answer FROM json_each(columns);
  IF width <> 1 OR json_typeof(answer) IS DISTINCT FROM 'boolean' THEN
    RAISE EXCEPTION 'the verification query returned %, not one boolean', columns;
  END IF;
  RETURN answer::text::boolean;
END
$verify$;
SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY;
SELECT pg_temp.aks_stateful_verify(:'query');
SQL
) || fail "the verification query failed (the server's error is above): $DRILL_QUERY"
[[ $result == t ]] || fail "the verification query returned '$result' instead of true: $DRILL_QUERY"
log "drill passed: \${fetched[blob]} restores and satisfies the verification query"
`;

function script(step: string, ...parts: string[]): string {
  return (
    [`STEP=${step}`, PRELUDE, ...parts]
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

/**
 * postgres image, runs alongside the upload: `pg_dump -Fc` into `$SCRATCH_DIR`, proving the archive whole
 * while it is written (every byte read back by pg_restore, hashed and counted; the stored file's size
 * equal to the bytes read; its table of contents non-empty), then records size and SHA-256 and
 * writes `ready` (or `failed` on any exit without it).
 */
export const DUMP_SCRIPT = script('dump', POSTGRES_HELPERS, DUMP_BODY);

/**
 * azure-cli image, runs alongside the dump: signs in and checks the container while pg_dump runs,
 * waits (at most `$DUMP_WAIT_SECONDS`) for `ready`, then uploads the verified dump as a new block
 * blob with its metadata; never overwrites. A `failed` marker or no `ready` uploads nothing.
 */
export const UPLOAD_SCRIPT = script('upload', AZURE_HELPERS, UPLOAD_BODY);

/**
 * azure-cli image, runs alongside the restore or drill: finds a named dump or the latest under
 * `$DUMP_PREFIX`, records its size and checksum for the other container, and streams it into the
 * pipe that container reads. Nothing is stored on disk.
 */
export const FETCH_SCRIPT = script('fetch', AZURE_HELPERS, FETCH_BODY);

/**
 * postgres image, runs alongside the fetch: restores the streamed dump into the target (clean, or a
 * new database) in one transaction that commits only when the stream's size and SHA-256 match the backup's.
 */
export const RESTORE_SCRIPT = script('restore', POSTGRES_HELPERS, RESTORE_BODY);

/**
 * postgres image, runs alongside the fetch: restores the streamed, checksum-verified dump into a
 * throwaway server in the pod, then runs `$DRILL_QUERY` as a read-only, non-superuser role through a
 * cursor (one statement returning one boolean row; psql never interprets it).
 */
export const DRILL_SCRIPT = script('drill', POSTGRES_HELPERS, DRILL_BODY);
