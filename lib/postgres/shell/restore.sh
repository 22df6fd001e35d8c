#!/usr/bin/env bash
# postgres image, runs alongside the fetch: restores the streamed dump into the target (clean, or a
# new database) in one transaction that commits only when the stream's size and SHA-256 match the backup's.
# shellcheck source=functions/common.sh
source "${BASH_SOURCE[0]%/*}/functions/common.sh"
# shellcheck source=functions/postgres.sh
source "${BASH_SOURCE[0]%/*}/functions/postgres.sh"
# shellcheck source=functions/stream.sh
source "${BASH_SOURCE[0]%/*}/functions/stream.sh"
STEP=restore
begin_script

: "${SCRATCH_DIR:?}" "${PGHOST:?}" "${PGPORT:?}" "${PGDATABASE:?}" "${PGUSER:?}" "${RESTORE_MODE:?}"
umask 077
open_stream
[[ -n "${PGPASSWORD-}" ]] || fail "PGPASSWORD is empty: check the password Secret"
# Proves the server reachable and the password right while the fetch container looks for the dump.
psql --no-psqlrc --quiet --command 'SELECT 1' > /dev/null
await_fetch

options=()
if [[ "${RESTORE_OWNERSHIP:-false}" != true ]]; then options+=(--no-owner --no-privileges); fi
case "$RESTORE_MODE" in
  clean)
    target=$PGDATABASE
    log "restoring ${fetched[blob]} into $target on $PGHOST:$PGPORT, replacing its objects (one transaction: all or nothing)"
    stream_restore "$target" "${options[@]}" --clean --if-exists || fail "the restore did not commit: $target is unchanged"
    log "committed"
    ;;
  newDatabase)
    target=${RESTORE_DATABASE:?}
    log "creating database $target on $PGHOST:$PGPORT"
    # createdb fails if the database exists: a restore never overwrites one it did not create.
    createdb --no-password --maintenance-db="$PGDATABASE" -- "$target"
    # --force: the rolled-back restore's session may still be closing.
    drop_new_database() {
      log "dropping the new database $target"
      dropdb --no-password --force --maintenance-db="$PGDATABASE" --if-exists -- "$target"
    }
    exit_hooks+=(drop_new_database)
    log "restoring ${fetched[blob]} into $target (one transaction: all or nothing)"
    stream_restore "$target" "${options[@]}" || fail "the restore did not commit: nothing was restored"
    exit_hooks=()
    log "committed"
    ;;
  *) fail "unknown RESTORE_MODE '$RESTORE_MODE' (clean or newDatabase)" ;;
esac
tables=$(psql --no-psqlrc --no-align --tuples-only --quiet --dbname="$target" \
  --command "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
log "restored ${fetched[blob]} into $target: $tables tables"
