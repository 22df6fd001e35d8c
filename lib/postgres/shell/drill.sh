#!/usr/bin/env bash
# postgres image, runs alongside the fetch: restores the streamed, checksum-verified dump (after
# its globals, the roles, when the backup saved them) into a throwaway server in the pod, then runs `$DRILL_QUERY` as a read-only, non-superuser role through a
# cursor (one statement returning one boolean row; psql never interprets it).
# shellcheck source=functions/common.sh
source "${BASH_SOURCE[0]%/*}/functions/common.sh"
# shellcheck source=functions/postgres.sh
source "${BASH_SOURCE[0]%/*}/functions/postgres.sh"
# shellcheck source=functions/stream.sh
source "${BASH_SOURCE[0]%/*}/functions/stream.sh"
# shellcheck source=functions/shadow.sh
source "${BASH_SOURCE[0]%/*}/functions/shadow.sh"
# shellcheck source=functions/globals.sh
source "${BASH_SOURCE[0]%/*}/functions/globals.sh"
STEP=drill
begin_script

: "${SCRATCH_DIR:?}" "${DRILL_DATABASE:?}" "${DRILL_QUERY:?}"
umask 077
open_stream stream

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
pg_ctl --pgdata="$data" --log="$SCRATCH_DIR/postgres.log" --wait --silent \
  --options="-c listen_addresses='' -c unix_socket_directories='$socket_dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c wal_level=minimal -c max_wal_senders=0" \
  start || {
  cat "$SCRATCH_DIR/postgres.log" >&2
  fail "the throwaway server did not start"
}
export PGHOST=$socket_dir PGPORT=5432 PGUSER=drill
unset PGPASSWORD PGDATABASE
# The same restore as a new-database PostgresRestoreJob: into a shadow, renamed once verified.
name_shadow "$DRILL_DATABASE"
create_shadow

await_fetch
# The throwaway server has none of the source's tablespace directories (and the pod may create no
# folder outside its volumes): objects go to the default tablespace, and the globals' tablespace
# statements are skipped.
options=(--no-tablespaces)
if [[ ${fetched[globals]} == present ]]; then
  # The dump's roles first, so that the restore checks what a restore into a new server would:
  # every owner and grant names a role that exists.
  verify_file "$SCRATCH_DIR/globals.sql" "${fetched[globals_size]}" "${fetched[globals_sha256]}" "the globals of ${fetched[blob]}"
  log "applying the globals of ${fetched[blob]}"
  apply_globals "$SCRATCH_DIR/globals.sql" postgres skip-tablespaces
  log "restoring ${fetched[blob]} into the throwaway server, with its owners and privileges"
else
  options+=(--no-owner --no-privileges)
  log "${fetched[blob]} has no globals (written before BackupCronJob saved them): restoring it without owners and privileges"
fi
stream_restore "$shadow" "${options[@]}" || fail "${fetched[blob]} cannot be restored: the drill failed"
switch_to_new_database "$DRILL_DATABASE"
tables=$(psql --no-psqlrc --no-align --tuples-only --quiet --dbname="$DRILL_DATABASE" \
  --command "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
log "restored $tables tables; running the verification query"
# The query is data, never script: psql gets it as a variable and passes it to the server as one
# quoted literal (:'query'), so no psql meta-command in it runs. On the server it runs as a role that
# reads every table (pg_read_all_data, BYPASSRLS) and may do nothing else (no superuser: no COPY TO
# PROGRAM, no server files), in a read-only transaction, opened as a cursor: the server itself
# refuses a second statement or one that returns no rows. It must return one row of one boolean.
psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --dbname="$DRILL_DATABASE" \
  --command='CREATE ROLE aks_stateful_verifier LOGIN BYPASSRLS' \
  --command='GRANT pg_read_all_data TO aks_stateful_verifier' > /dev/null
result=$(
  psql --no-psqlrc --no-align --tuples-only --quiet --set=ON_ERROR_STOP=1 --username=aks_stateful_verifier \
    --dbname="$DRILL_DATABASE" --set=query="$DRILL_QUERY" << 'SQL'
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
log "drill passed: ${fetched[blob]} restores and satisfies the verification query"
