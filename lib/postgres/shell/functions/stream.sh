# The restoring side of the stream the fetch container sends (postgres image).

# The restore side of the stream the fetch container sends: creates the pipe it writes into (for
# $1 "stream"; for "file" the fetch container downloads the dump to the scratch volume) and, on
# any exit, leaves "restore-exited" so that a fetch container still sending or downloading stops.
open_stream() {
  exit_hooks=()
  trap 'on_exit' EXIT
  # bash as PID 1 ignores SIGTERM: on the Job's deadline, exit through the hooks instead.
  trap 'exit 143' TERM
  rm -f -- "$SCRATCH_DIR/dump.fifo" "$SCRATCH_DIR/restore-exited" "$SCRATCH_DIR/sent"
  [[ $1 == file ]] || mkfifo -m 600 -- "$SCRATCH_DIR/dump.fifo"
}
on_exit() {
  local status=$?
  # First, so that the fetch container learns at once why its pipe broke.
  : > "$SCRATCH_DIR/restore-exited"
  for hook in "${exit_hooks[@]}"; do "$hook" || true; done
  exit "$status"
}

# Waits until the fetch container writes the status file $1 into the scratch folder (returns 0) or
# "fetch-failed" (returns 1); fails with the message $3 once SECONDS reaches $2. Looks every 20 ms:
# what follows (the stream, or its verification) starts once this has seen the file.
await_fetch_marker() {
  local marker=$1 deadline=$2 late=$3 tick
  exec {tick}<> <(:)
  until [[ -f "$SCRATCH_DIR/$marker" || -f "$SCRATCH_DIR/fetch-failed" ]]; do
    ((SECONDS < deadline)) || fail "$late"
    read -r -t 0.02 -u "$tick" _ || true
  done
  exec {tick}<&-
  [[ -f "$SCRATCH_DIR/$marker" ]]
}

# Waits (at most FETCH_WAIT_SECONDS) until the fetch container has found the dump and recorded its
# name, size and SHA-256 from the time it was taken; checks that this pg_restore can read it.
await_fetch() {
  local key value dump_major restore_major
  : "${FETCH_WAIT_SECONDS:?}"
  declare -gA fetched=()
  await_fetch_marker fetched.ready "$FETCH_WAIT_SECONDS" \
    "the fetch container found no dump within $FETCH_WAIT_SECONDS s: nothing was restored" \
    || fail "the fetch container failed (see its log): nothing was restored"
  while IFS='=' read -r key value; do fetched[$key]=$value; done < "$SCRATCH_DIR/fetched"
  [[ ${fetched[sha256]:-} =~ ^[0-9a-f]{64}$ && ${fetched[size]:-} =~ ^[0-9]+$ && -n ${fetched[blob]:-} ]] \
    || fail "the fetch container recorded no blob, size or checksum"
  [[ ${fetched[globals]:-absent} == absent || (${fetched[globals_sha256]:-} =~ ^[0-9a-f]{64}$ && ${fetched[globals_size]:-} =~ ^[0-9]+$) ]] \
    || fail "the fetch container recorded globals without their size or checksum"
  dump_major=${fetched[pg_dump_version]%%.*}
  restore_major=$(client_major pg_restore)
  if [[ $dump_major =~ ^[0-9]+$ ]] && ((dump_major > restore_major)); then
    fail "the dump was written by pg_dump ${fetched[pg_dump_version]}, which pg_restore $restore_major cannot read: use an image of PostgreSQL $dump_major or newer"
  fi
}

# A libpq connection string naming database $1: pg_restore's --dbname would read a name holding
# "=" as a connection string of its own.
dbname_conninfo() {
  local name=${1//\\/\\\\}
  printf "dbname='%s'\n" "${name//\'/\\\'}"
}

# Restores the stream into database $1 (further arguments go to pg_restore): pg_restore --dbname
# reads the pipe itself and runs the archive, stopping at the first error, while the fetch container
# hashes and counts every byte it puts into the pipe. It succeeds only when pg_restore has, and the
# count and SHA-256 the fetch container then records ("sent") equal those recorded at backup time.
# The database is a shadow that only becomes the target afterwards (see shadow.sh), so a truncated
# or corrupt dump never reaches a database in use.
# Run in the background and waited for (see stream_restore), where errexit is off: every step is checked explicitly.
stream_restore_pipeline() {
  local database=$1 size sha
  shift
  pg_restore "$@" --exit-on-error --no-password --dbname="$(dbname_conninfo "$database")" < "$SCRATCH_DIR/dump.fifo" \
    || fail "pg_restore of ${fetched[blob]} failed (its error, if any, is above)"
  await_sent
  read -r size sha < "$SCRATCH_DIR/sent" || fail "the fetch container's count and checksum of the stream cannot be read"
  [[ $size == "${fetched[size]}" ]] \
    || fail "size mismatch for ${fetched[blob]}: received $size bytes, the blob records ${fetched[size]}"
  [[ $sha == "${fetched[sha256]}" ]] \
    || fail "checksum mismatch for ${fetched[blob]}: sha256 $sha, recorded at backup time ${fetched[sha256]}; the dump is corrupt"
  log "verified ${fetched[blob]}: $size bytes, sha256 $sha"
}

# Waits until the fetch container has recorded the count and SHA-256 of all it streamed ("sent",
# written once its download and copy have ended well) or has failed; at most FETCH_WAIT_SECONDS after
# pg_restore read the end of the stream.
await_sent() {
  await_fetch_marker sent $((SECONDS + FETCH_WAIT_SECONDS)) \
    "the fetch container recorded no count and checksum of the stream within $FETCH_WAIT_SECONDS s of its end" \
    || fail "the fetch container failed (see its log): the stream is unverified"
}

# Runs stream_restore_pipeline in the background and waits for it: bash runs a trapped TERM (the Job's
# deadline) only between foreground commands, but interrupts a wait at once.
stream_restore() {
  local pid
  stream_restore_pipeline "$@" &
  pid=$!
  wait "$pid"
}

# Checks that file $1 has size $2 and SHA-256 $3 (what the blob's metadata recorded at backup
# time); $4 names it in the messages.
verify_file() {
  local file=$1 size=$2 sha=$3 what=$4 actual
  [[ -f $file ]] || fail "$what is missing from the scratch volume"
  actual=$(stat --format=%s -- "$file")
  [[ $actual == "$size" ]] || fail "size mismatch for $what: $actual bytes, the blob records $size"
  actual=$(sha256_hex < "$file") || fail "hashing $what failed"
  [[ $actual == "$sha" ]] \
    || fail "checksum mismatch for $what: sha256 $actual, recorded at backup time $sha; it is corrupt"
  log "verified $what: $size bytes, sha256 $sha"
}

# Waits until the fetch container has downloaded the whole dump to $SCRATCH_DIR/dump (or failed).
# There is no bound on a download that progresses (the Job's deadline is), but one whose file
# stops growing for FETCH_WAIT_SECONDS is given up: a fetch container killed outright leaves no marker.
await_download() {
  local tick size last=-1 since=$SECONDS
  exec {tick}<> <(:)
  until [[ -f "$SCRATCH_DIR/downloaded" || -f "$SCRATCH_DIR/fetch-failed" ]]; do
    size=$(stat --format=%s -- "$SCRATCH_DIR/dump" 2> /dev/null || printf '0')
    if ((size != last)); then
      last=$size since=$SECONDS
    fi
    ((SECONDS - since < FETCH_WAIT_SECONDS)) \
      || fail "the download of ${fetched[blob]} made no progress for $FETCH_WAIT_SECONDS s: nothing was restored"
    read -r -t 0.1 -u "$tick" _ || true
  done
  [[ -f "$SCRATCH_DIR/downloaded" ]] || fail "the fetch container failed (see its log): nothing was restored"
}

# Restores the downloaded dump ($SCRATCH_DIR/dump) into database $1 with $2 parallel jobs (further
# arguments go to pg_restore), once its size and SHA-256 equal those recorded at backup time:
# pg_restore --jobs needs a file it can seek in, so the check comes first and a damaged download
# never reaches even the shadow. Stops at the first error. Run in the background, as stream_restore_pipeline.
file_restore_run() {
  local database=$1 jobs=$2
  shift 2
  verify_file "$SCRATCH_DIR/dump" "${fetched[size]}" "${fetched[sha256]}" "${fetched[blob]}"
  log "running pg_restore with $jobs jobs"
  pg_restore "$@" --jobs="$jobs" --exit-on-error --no-password --dbname="$(dbname_conninfo "$database")" \
    -- "$SCRATCH_DIR/dump" || fail "pg_restore of ${fetched[blob]} failed (its error is above)"
}

# Runs file_restore_run in the background and waits for it (see stream_restore).
file_restore() {
  local pid
  file_restore_run "$@" &
  pid=$!
  wait "$pid"
}
remove_dump_file() { rm -f -- "$SCRATCH_DIR/dump"; }
