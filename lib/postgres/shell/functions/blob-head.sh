# Functions that ask Azure about one blob with a HEAD request (Get Blob Properties) through its SAS
# (azure-cli image): does its container exist, does the blob, how long is it. One curl each instead
# of an az process (about a second to start).

# HEADs the blob at the URL $1, whose query string is a SAS with read permission: it reaches curl
# only through a config on fd 3, never a command line. Prints the HTTP status of the last response,
# its x-ms-error-code and its Content-Length ("-" for a header it did not have) on one line, then
# one line "<key>=<value>" for each of its metadata headers (x-ms-meta-<key>). When no
# response came, logs curl's error and the system's reason (e.g. "Connection refused", which curl
# names only among its verbose notes) and returns 1.
blob_head() {
  local url=$1 out line key value status=000 error=- length=- reason='' message='' code=0
  local -a meta=()
  : "${X_MS_VERSION:?}"
  # --verbose --stderr -: the response headers and curl's notes in one capture, read here line by
  # line and never printed whole (its request lines hold the SAS). Transient failures (timeouts,
  # 5xx, a refused connection) are retried; a 404 is an answer.
  out=$(curl --silent --show-error --verbose --stderr - --head --output /dev/null \
    --retry 4 --retry-connrefused --connect-timeout 30 --max-time 60 \
    --header "x-ms-version: $X_MS_VERSION" --write-out '\nhttp_code %{http_code}\n' \
    --config /dev/fd/3 3<<< "url = \"$url\"") || code=$?
  while IFS= read -r line; do
    line=${line%$'\r'}
    case ${line,,} in
      # A retried request's headers are replaced by the next response's.
      '< http/'*) error=- length=- meta=() ;;
      '< x-ms-error-code:'*) read -r error <<< "${line#*:}" ;;
      '< content-length:'*) read -r length <<< "${line#*:}" ;;
      '< x-ms-meta-'*:*)
        line=${line#< }
        # Metadata names are case-insensitive: kept in lower case, as the backup writes them.
        key=${line%%:*}
        key=${key,,}
        read -r value <<< "${line#*:}"
        meta+=("${key:10}=$value")
        ;;
      'http_code '*) status=${line#* } ;;
      '* '*' failed: '*) reason=${line##* failed: } ;;
      'curl: ('*) message=$line ;;
    esac
  done <<< "$out"
  if ((code != 0)); then
    log "curl exited with status $code: ${message:-no message}${reason:+ ($reason)}"
    return 1
  fi
  printf '%s %s %s\n' "$status" "$error" "$length"
  ((${#meta[@]} == 0)) || printf '%s\n' "${meta[@]}"
}

# Before the stream: fails unless the container BLOB_CONTAINER exists and the SAS in the blob's URL
# $1 (read permission; $2 names the blob in messages) is accepted. A blob of that name is only
# logged: the commit refuses it at the end (If-None-Match: * never replaces a blob), after the dump
# and its globals are stored, as when another writer takes the name during the dump.
check_new_blob() {
  local url=$1 name=$2 head status error
  head=$(blob_head "$url") || fail "checking for $name in container $BLOB_CONTAINER of $AZURE_STORAGE_ACCOUNT failed (see above)"
  read -r status error _ <<< "$head"
  case $status/$error in
    404/BlobNotFound) ;;
    404/ContainerNotFound) fail "container $BLOB_CONTAINER does not exist in $AZURE_STORAGE_ACCOUNT" ;;
    200/*) log "a blob $name already exists in container $BLOB_CONTAINER of $AZURE_STORAGE_ACCOUNT: its commit (If-None-Match: *) will be refused" ;;
    *) fail "checking for $name in container $BLOB_CONTAINER of $AZURE_STORAGE_ACCOUNT failed: HTTP $status ${error/#-/with no error code}" ;;
  esac
}

# Fails unless the container BLOB_CONTAINER exists, asked through the blob at $1 (a URL with a SAS
# with read permission, for a name that need not exist; $2 names it in messages).
check_container() {
  local url=$1 name=$2 head status error
  head=$(blob_head "$url") || fail "reaching container $BLOB_CONTAINER of $AZURE_STORAGE_ACCOUNT failed (see above)"
  read -r status error _ <<< "$head"
  case $status/$error in
    200/* | 404/BlobNotFound) ;;
    404/ContainerNotFound) fail "container $BLOB_CONTAINER does not exist in $AZURE_STORAGE_ACCOUNT" ;;
    *) fail "checking container $BLOB_CONTAINER of $AZURE_STORAGE_ACCOUNT (through $name) failed: HTTP $status ${error/#-/with no error code}" ;;
  esac
}

# Prints the Content-Length of the blob at $1 (a URL with a SAS with read permission). Logs the
# status and returns 1 unless Azure answers 200 with a length.
blob_length() {
  local head status error length
  head=$(blob_head "$1") || return 1
  read -r status error length <<< "$head"
  [[ $status == 200 && $length =~ ^[0-9]+$ ]] || {
    log "the HEAD of the blob answered HTTP $status ${error/#-/with no error code}"
    return 1
  }
  printf '%s\n' "$length"
}
