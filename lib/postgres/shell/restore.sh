#!/usr/bin/env bash
# postgres image, runs alongside the fetch: restores the dump into a shadow database
# (<target>__restoring_<UTC timestamp>) and, only once pg_restore succeeded and the dump's size
# and SHA-256 match the backup's, makes it the target with one rename: a new database (replace mode:
# the current one is renamed to <target>__before_<timestamp> and kept). The dump is streamed and
# verified as it is restored, or (RESTORE_JOBS > 1) downloaded, verified, then restored by
# pg_restore --jobs. With APPLY_GLOBALS=true, the dump's roles are applied first.
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
STEP=restore
begin_script

: "${SCRATCH_DIR:?}" "${PGHOST:?}" "${PGPORT:?}" "${PGDATABASE:?}" "${PGUSER:?}" "${RESTORE_MODE:?}" \
  "${RESTORE_JOBS:?}" "${APPLY_GLOBALS:?}"
umask 077
[[ $RESTORE_JOBS =~ ^[1-9][0-9]*$ ]] || fail "RESTORE_JOBS '$RESTORE_JOBS' is not a number of jobs"
if ((RESTORE_JOBS > 1)); then open_stream file; else open_stream stream; fi
[[ -n "${PGPASSWORD-}" ]] || fail "PGPASSWORD is empty: check the password Secret"
case "$RESTORE_MODE" in
  replace) target=$PGDATABASE ;;
  newDatabase) target=${RESTORE_DATABASE:?} ;;
  *) fail "unknown RESTORE_MODE '$RESTORE_MODE' (replace or newDatabase)" ;;
esac
name_shadow "$target"
# Proves the server reachable and the password right while the fetch container looks for the dump.
maintenance_sql <<< 'SELECT 1;' > /dev/null
if [[ $APPLY_GLOBALS == true ]]; then
  # Creating roles with any attribute (SUPERUSER, REPLICATION, BYPASSRLS), granting their
  # memberships and making them owners takes a superuser.
  [[ $(maintenance_sql <<< 'SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user;') == t ]] \
    || fail "applying the globals needs a superuser: $PGUSER is not one on $PGHOST"
fi
# The shadow that the restore fills, after removing any an earlier, killed run left.
make_shadow() {
  drop_stale_shadows "$target"
  if [[ $RESTORE_MODE == replace ]]; then
    create_replacing_shadow "$target"
  else
    # A restore never overwrites a database it did not create.
    ! database_exists "$target" || fail "the database $target exists: a new-database restore never replaces one"
    create_shadow
  fi
}
# Made while the fetch container looks for the dump, so that the stream starts as soon as it is
# found; except when the globals are to be applied: a dump without them then fails before anything
# is created.
if [[ $APPLY_GLOBALS != true ]]; then make_shadow; fi
await_fetch
if [[ $APPLY_GLOBALS == true ]]; then
  [[ ${fetched[globals]} == present ]] \
    || fail "${fetched[blob]} has no globals (it was written before BackupCronJob saved them): nothing was restored; restore it without applyGlobals"
  verify_file "$SCRATCH_DIR/globals.sql" "${fetched[globals_size]}" "${fetched[globals_sha256]}" "the globals of ${fetched[blob]}"
  make_shadow
  # Before the restore, so that the owners and grants it restores name roles that exist. Roles
  # are the server's, not the shadow's: a restore that fails after this keeps them.
  log "applying the globals of ${fetched[blob]} to $PGHOST:$PGPORT"
  apply_globals "$SCRATCH_DIR/globals.sql" "$maintenance_db"
fi

options=()
if [[ "${RESTORE_OWNERSHIP:-false}" != true ]]; then options+=(--no-owner --no-privileges); fi
if [[ $RESTORE_MODE == replace ]]; then failed="the restore failed: $target is unchanged"; else failed="the restore failed: nothing was restored"; fi
log "restoring ${fetched[blob]} into $shadow on $PGHOST:$PGPORT"
if ((RESTORE_JOBS > 1)); then
  exit_hooks+=(remove_dump_file)
  await_download
  file_restore "$shadow" "$RESTORE_JOBS" "${options[@]}" || fail "$failed"
  remove_dump_file
else
  stream_restore "$shadow" "${options[@]}" || fail "$failed"
fi
if [[ $RESTORE_MODE == replace ]]; then
  switch_replacing "$target"
else
  switch_to_new_database "$target"
  log "switched: $target is the restored database"
fi
tables=$(psql --no-psqlrc --no-align --tuples-only --quiet --dbname="$(dbname_conninfo "$target")" \
  --command "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
log "restored ${fetched[blob]} into $target: $tables tables"
