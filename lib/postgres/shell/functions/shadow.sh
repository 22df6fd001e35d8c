# Restoring into a shadow database and making it the target with one rename (postgres image).
# Names reach SQL only as psql variables, quoted by psql (:"name" for identifiers, :'name' for literals).

# The database to connect to while the target is created, renamed or dropped: never the target itself.
maintenance_database() {
  if [[ $1 == postgres ]]; then printf 'template1\n'; else printf 'postgres\n'; fi
}

# Runs the SQL on stdin in the maintenance database, stopping at the first error; further
# arguments are psql options (--set=name=value for the names the SQL uses). Prints the result rows.
maintenance_sql() {
  psql --no-psqlrc --quiet --no-align --tuples-only --set=ON_ERROR_STOP=1 --dbname="$maintenance_db" "$@"
}

# Sets the globals the other functions use for target $1: maintenance_db, stamp, shadow (where the
# restore goes) and before (where replace mode keeps the current database). PostgreSQL cuts longer
# names to 63 bytes without an error, which could make two of these one name, so they must fit.
name_shadow() {
  local target=$1
  maintenance_db=$(maintenance_database "$target")
  stamp=$(TZ=UTC printf '%(%Y%m%dT%H%M%SZ)T' -1)
  shadow="${target}__restoring_$stamp"
  before="${target}__before_$stamp"
  local LC_ALL=C
  ((${#shadow} <= 63)) || fail "the database name $target is too long: $shadow must fit PostgreSQL's 63 bytes (a target of at most 35)"
}

# Drops every shadow a restore of target $1 killed before its exit hook could run left behind
# (<target>__restoring_<UTC timestamp>); never a database of any other name, such as __before_.
drop_stale_shadows() {
  local stale
  stale=$(
    maintenance_sql --set=prefix="${1}__restoring_" << 'SQL'
SELECT datname FROM pg_catalog.pg_database
WHERE starts_with(datname, :'prefix') AND substr(datname, length(:'prefix') + 1) ~ '^[0-9]{8}T[0-9]{6}Z$'
ORDER BY datname;
SQL
  )
  while IFS= read -r name; do
    [[ -n $name ]] || continue
    log "dropping $name, the shadow of an earlier restore that did not finish"
    drop_own_database "$name"
  done <<< "$stale"
}

# Ends this user's own sessions in database $1 (pg_restore's, which a TERM of the script leaves
# running) and drops it. Not `dropdb --force`: that also terminates autovacuum workers, which run as
# the bootstrap superuser and start on freshly loaded tables, and a non-superuser may not signal
# them; a plain DROP DATABASE asks autovacuum to leave by itself. Further arguments go to dropdb.
drop_own_database() {
  local name=$1
  shift
  maintenance_sql --set=name="$name" > /dev/null << 'SQL'
SELECT pg_catalog.pg_terminate_backend(pid, 10000) FROM pg_catalog.pg_stat_activity
WHERE datname = :'name' AND backend_type = 'client backend' AND usename = current_user AND pid <> pg_catalog.pg_backend_pid();
SQL
  dropdb --no-password --maintenance-db="$maintenance_db" "$@" -- "$name"
}

# Whether database $1 exists.
database_exists() {
  [[ $(maintenance_sql --set=name="$1" <<< "SELECT count(*) FROM pg_catalog.pg_database WHERE datname = :'name';") == 1 ]]
}

# Creates the shadow; further arguments go to createdb. Registers its drop on exit: a restore that
# fails (or is stopped by TERM) leaves no shadow; one killed outright leaves it to the next run.
create_shadow() {
  log "creating the shadow database $shadow"
  createdb --no-password --maintenance-db="$maintenance_db" "$@" -- "$shadow"
  exit_hooks+=(drop_shadow)
}
# pg_restore's session may still be open (a TERM stops the script, not pg_restore): see drop_own_database.
drop_shadow() {
  log "dropping the shadow database $shadow"
  drop_own_database "$shadow" --if-exists
}

# Like create_shadow, for replace mode: the shadow gets the owner, encoding and locale of the
# current database $1, so that the renamed one is the same database to its users.
create_replacing_shadow() {
  local fields options owner encoding collate ctype provider locale
  fields=$(
    maintenance_sql --field-separator=$'\t' --set=name="$1" << 'SQL'
SELECT pg_catalog.pg_get_userbyid(datdba), pg_catalog.pg_encoding_to_char(encoding), datcollate, datctype,
  coalesce(to_jsonb(d) ->> 'datlocprovider', 'c'), coalesce(to_jsonb(d) ->> 'datlocale', to_jsonb(d) ->> 'daticulocale', '')
FROM pg_catalog.pg_database d WHERE datname = :'name';
SQL
  )
  [[ -n $fields ]] || fail "the database $1 does not exist on $PGHOST: there is nothing to replace"
  IFS=$'\t' read -r owner encoding collate ctype provider locale <<< "$fields"
  options=(--template=template0 --owner="$owner" --encoding="$encoding" --lc-collate="$collate" --lc-ctype="$ctype")
  # The locale provider columns differ by version (none before 15, datlocale from 17): read by name.
  case $provider in
    i) options+=(--locale-provider=icu --icu-locale="$locale") ;;
    b) options+=(--locale-provider=builtin --builtin-locale="$locale") ;;
  esac
  create_shadow "${options[@]}"
}

# New-database mode: the restored shadow becomes target $1, which must still not exist. pg_restore's
# own session may take a moment to end after it exits; rename needs the shadow unused. Only client
# sessions are ended: autovacuum, which starts on the freshly loaded tables as the bootstrap
# superuser (a non-superuser may not signal it), is asked to leave by the rename itself.
switch_to_new_database() {
  maintenance_sql --set=target="$1" --set=shadow="$shadow" > /dev/null << 'SQL'
SELECT pg_catalog.pg_terminate_backend(pid, 10000) FROM pg_catalog.pg_stat_activity
WHERE datname = :'shadow' AND backend_type = 'client backend' AND usename = current_user;
ALTER DATABASE :"shadow" RENAME TO :"target";
SQL
  exit_hooks=()
}

# Replace mode: current database $1 becomes $before (kept, connectable, for a rollback) and the
# shadow becomes $1, in one transaction. New connections to $1 are refused first and its sessions
# ended (the rename needs it unused); if the switch fails, $1 is connectable again and unchanged.
switch_replacing() {
  local target=$1
  replaced=$target
  log "refusing new connections to $target and ending its sessions"
  maintenance_sql --set=target="$target" <<< 'ALTER DATABASE :"target" ALLOW_CONNECTIONS false;'
  # Until the renames commit, any exit makes the current database connectable again.
  exit_hooks=(allow_target_connections "${exit_hooks[@]}")
  maintenance_sql --set=target="$target" --set=shadow="$shadow" --set=before="$before" > /dev/null << 'SQL'
SELECT pg_catalog.pg_terminate_backend(pid, 10000) FROM pg_catalog.pg_stat_activity
WHERE datname IN (:'target', :'shadow') AND backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid();
BEGIN;
ALTER DATABASE :"target" RENAME TO :"before";
ALTER DATABASE :"shadow" RENAME TO :"target";
COMMIT;
SQL
  exit_hooks=()
  log "switched: $target is the restored database; the one it replaced is kept as $before"
  maintenance_sql --set=before="$before" <<< 'ALTER DATABASE :"before" ALLOW_CONNECTIONS true;'
}
allow_target_connections() {
  log "allowing connections to $replaced again: it stays as it was"
  maintenance_sql --set=target="$replaced" <<< 'ALTER DATABASE :"target" ALLOW_CONNECTIONS true;'
}
