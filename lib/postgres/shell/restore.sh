#!/usr/bin/env bash
# postgres image, runs alongside the fetch: restores the streamed dump into a shadow database
# (<target>__restoring_<UTC timestamp>) and, only once pg_restore succeeded and the stream's size
# and SHA-256 match the backup's, makes it the target with one rename: a new database (replace mode:
# the current one is renamed to <target>__before_<timestamp> and kept).
# shellcheck source=functions/common.sh
source "${BASH_SOURCE[0]%/*}/functions/common.sh"
# shellcheck source=functions/postgres.sh
source "${BASH_SOURCE[0]%/*}/functions/postgres.sh"
# shellcheck source=functions/stream.sh
source "${BASH_SOURCE[0]%/*}/functions/stream.sh"
# shellcheck source=functions/shadow.sh
source "${BASH_SOURCE[0]%/*}/functions/shadow.sh"
STEP=restore
begin_script

: "${SCRATCH_DIR:?}" "${PGHOST:?}" "${PGPORT:?}" "${PGDATABASE:?}" "${PGUSER:?}" "${RESTORE_MODE:?}"
umask 077
open_stream
[[ -n "${PGPASSWORD-}" ]] || fail "PGPASSWORD is empty: check the password Secret"
case "$RESTORE_MODE" in
  replace) target=$PGDATABASE ;;
  newDatabase) target=${RESTORE_DATABASE:?} ;;
  *) fail "unknown RESTORE_MODE '$RESTORE_MODE' (replace or newDatabase)" ;;
esac
name_shadow "$target"
# Proves the server reachable and the password right while the fetch container looks for the dump.
maintenance_sql <<< 'SELECT 1;' > /dev/null
drop_stale_shadows "$target"
if [[ $RESTORE_MODE == replace ]]; then
  create_replacing_shadow "$target"
else
  # A restore never overwrites a database it did not create.
  ! database_exists "$target" || fail "the database $target exists: a new-database restore never replaces one"
  create_shadow
fi
await_fetch

options=()
if [[ "${RESTORE_OWNERSHIP:-false}" != true ]]; then options+=(--no-owner --no-privileges); fi
log "restoring ${fetched[blob]} into $shadow on $PGHOST:$PGPORT"
if [[ $RESTORE_MODE == replace ]]; then
  stream_restore "$shadow" "${options[@]}" || fail "the restore failed: $target is unchanged"
  switch_replacing "$target"
else
  stream_restore "$shadow" "${options[@]}" || fail "the restore failed: nothing was restored"
  switch_to_new_database "$target"
  log "switched: $target is the restored database"
fi
tables=$(psql --no-psqlrc --no-align --tuples-only --quiet --dbname="$(dbname_conninfo "$target")" \
  --command "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
log "restored ${fetched[blob]} into $target: $tables tables"
