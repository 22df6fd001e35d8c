# Applying a dump's globals (pg_dumpall --globals-only: roles, their settings and memberships,
# tablespaces) before its database is restored (postgres image).

# Applies the globals file $1 through psql in database $2, as a superuser. pg_dumpall writes
# CREATE ROLE for every role, including those that exist on any server (the bootstrap superuser,
# the connecting user), so psql runs the whole file (ON_ERROR_STOP off) and every error is judged
# afterwards by its SQLSTATE (VERBOSITY verbose) and statement (ECHO errors): 42710
# (duplicate_object: the role is there, and the ALTER ROLE that follows sets its attributes) is
# accepted; with $3 = skip-tablespaces, so is any failed statement on a tablespace (a throwaway
# server has none of the source's directories; the restore then uses --no-tablespaces). Any other
# error fails, naming each. The file ends psql's meta-commands itself (\restrict).
apply_globals() {
  local file=$1 database=$2 tablespaces=${3:-} errors status=0 line next message='' statement='' accepted=0 skipped=0
  local -a refused=()
  errors=$(
    psql --no-psqlrc --quiet --set=ON_ERROR_STOP=0 --set=VERBOSITY=verbose --set=ECHO=errors \
      --dbname="$database" --file="$file" 2>&1 > /dev/null
  ) || status=$?
  ((status == 0)) || fail "psql could not apply the globals (exit $status): ${errors:-no output}"
  # Each error is a line "psql:<file>:<line>: ERROR:  <SQLSTATE>: <message>", then DETAIL, HINT or
  # LOCATION lines, then "psql:<file>:<line>: STATEMENT:  <the statement's first line>". The
  # prefix is optional here: a line of any other shape that starts like an error counts as one,
  # so that a change of format fails the restore rather than letting an error through.
  while IFS= read -r line; do
    if [[ $line =~ ^(psql:[^:]*:[0-9]+:\ )?(ERROR|FATAL|PANIC|error):\ +(.*)$ ]]; then
      next=${BASH_REMATCH[3]}
      judge_globals_error
      message=$next statement=''
    elif [[ -n $message && -z $statement && $line =~ ^(psql:[^:]*:[0-9]+:\ )?STATEMENT:\ +(.*)$ ]]; then
      statement=${BASH_REMATCH[2]}
    fi
  done <<< "$errors"
  judge_globals_error
  ((${#refused[@]} == 0)) || fail "applying the globals failed: $(printf '%s; ' "${refused[@]}")"
  log "applied the globals: $accepted existing roles kept (their attributes set from the dump), $skipped tablespace statements skipped"
}
# Called by apply_globals for the error it has read (message and statement), if any.
judge_globals_error() {
  local on_tablespace='^((CREATE|ALTER|DROP) TABLESPACE |(COMMENT|SECURITY LABEL( FOR [^ ]+)?) ON TABLESPACE |(GRANT|REVOKE) .* ON TABLESPACE )'
  [[ -n $message ]] || return 0
  if [[ $message =~ ^42710: ]]; then
    ((++accepted))
  elif [[ $tablespaces == skip-tablespaces && $statement =~ $on_tablespace ]]; then
    log "skipped (no tablespaces in this server): $statement"
    ((++skipped))
  else
    refused+=("$message${statement:+ (in: $statement)}")
  fi
  message=''
}
